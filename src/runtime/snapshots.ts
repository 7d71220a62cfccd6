import type { AgentRow } from "../adapters/database/agents.ts";
import type { RequestRow } from "../adapters/database/requests.ts";
import type { SessionRow } from "../adapters/database/sessions.ts";
import type { AgentSnapshot } from "../domain/agents.ts";
import { hasPrice, type PriceOverrides } from "../domain/pricing.ts";
import type { RequestSnapshot } from "../domain/requests.ts";
import type { SessionSnapshot } from "../domain/sessions.ts";
import type { TelemetryAgent } from "../domain/telemetry-port.ts";

/** With `prices`, the snapshot says whether the agent's model has a price (for showing its cost). */
export function agentSnapshot(row: AgentRow, prices?: PriceOverrides): AgentSnapshot {
  return {
    id: row.id,
    sessionId: row.sessionId,
    parentId: row.parentId,
    role: row.role,
    title: row.title,
    model: row.model,
    status: row.status,
    latestProgress: row.latestProgress,
    usage: {
      inputTokens: row.inputTokens,
      outputTokens: row.outputTokens,
      cacheReadTokens: row.cacheReadTokens,
      cacheWriteTokens: row.cacheWriteTokens,
    },
    costMicros: row.costMicros,
    ...(prices ? { priced: hasPrice(row.model, prices) } : {}),
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    repository: row.repo,
    result: row.result,
  };
}

/**
 * A request as surfaces see it. `alwaysAllow` is the deployment's (false with the sandbox off):
 * then every approval shows as one that asks every time, those stored before included, so no
 * surface offers "Always allow" for it.
 */
export function requestSnapshot(row: RequestRow, agentTitle: string, alwaysAllow: boolean): RequestSnapshot {
  const action =
    !alwaysAllow && row.kind === "approval" && row.action
      ? { ...row.action, allowAlways: false }
      : row.action;
  return {
    id: row.id,
    sessionId: row.sessionId,
    agentId: row.agentId,
    agentTitle,
    kind: row.kind,
    prompt: row.prompt,
    choices: row.choices,
    action,
    pattern: row.pattern,
    status: row.status,
    decision: row.decision,
    answer: row.answer,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt,
  };
}

export function sessionSnapshot(row: SessionRow, costMicros: number, priced?: boolean): SessionSnapshot {
  return {
    id: row.id,
    surface: row.surface,
    conversationKey: row.conversationKey,
    ownerId: row.ownerId,
    title: row.title,
    status: row.status,
    metadata: row.metadata,
    costMicros,
    ...(priced === undefined ? {} : { priced }),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The ids and role telemetry may see of an agent. */
export function telemetryAgent(row: Pick<AgentRow, "id" | "sessionId" | "role">): TelemetryAgent {
  return { sessionId: row.sessionId, agentId: row.id, role: row.role };
}
