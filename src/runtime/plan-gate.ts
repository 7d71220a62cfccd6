import { z } from "zod";
import type { AgentRow } from "../adapters/database/agents.ts";
import { findRequestForToolCall, type RequestRow } from "../adapters/database/requests.ts";
import { getSession } from "../adapters/database/sessions.ts";
import type { TranscriptEntry } from "../adapters/database/transcript.ts";
import {
  cancelledSpawnResult,
  changedSpawnResult,
  planDecisions,
  planFor,
  planPrompt,
  type SpawnRequest,
} from "../domain/fan-out-plan.ts";
import { type ToolCallPart, toolCallsOf } from "../domain/messages.ts";
import { type SessionSettings, sessionSettingsOf } from "../domain/session-settings.ts";
import { defaultRepositoryFor, parseModel } from "./agent-lifecycle.ts";
import { ensureRunning } from "./agent-status.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { modelFor } from "./session-settings.ts";
import type { StepOutcome } from "./step-outcome.ts";
import { persistToolResult } from "./tool-result.ts";
import { announceRequest, parkAgent, waitForHuman } from "./waits.ts";

const spawnToolName = "spawn_agent";

/** What the plan needs of a spawn's input; a malformed input is refused later, when the call resolves. */
const spawnInputSchema = z.looseObject({
  title: z.string().optional(),
  tier: z.enum(["worker", "strong"]).optional(),
  repo: z.string().optional(),
});

/** The key of the plan for the assistant message stored at `seq`: one plan per turn, asked once. */
export function planKey(assistantSeq: number): string {
  return `plan:${assistantSeq}`;
}

function spawnRequest(kernel: RuntimeKernel, settings: SessionSettings, call: ToolCallPart): SpawnRequest {
  const parsed = spawnInputSchema.safeParse(call.input);
  const input = parsed.success ? parsed.data : {};
  const tier = input.tier ?? "worker";
  const fallbackRepo = kernel.workspaces ? defaultRepositoryFor(kernel, settings.repository) : undefined;
  return {
    toolCallId: call.id,
    title: input.title?.trim() || "(untitled)",
    repo: input.repo ?? fallbackRepo ?? null,
    model: parseModel(modelFor(kernel, settings, tier)),
    tier,
  };
}

/** The last assistant message and the ids of its calls that already have a result. */
function lastTurn(
  entries: readonly TranscriptEntry[],
): { seq: number; calls: ToolCallPart[]; answered: Set<string> } | undefined {
  for (let index = entries.length - 1; index >= 0; index -= 1) {
    const entry = entries[index];
    if (entry?.message.role !== "assistant") continue;
    const answered = new Set<string>();
    for (const later of entries.slice(index + 1)) {
      for (const part of later.message.parts) if (part.type === "tool_result") answered.add(part.toolCallId);
    }
    return { seq: entry.seq, calls: toolCallsOf(entry.message), answered };
  }
  return undefined;
}

function outcomeText(request: RequestRow): string {
  const who = request.decidedBy ?? "the user";
  if (request.status === "answered") return changedSpawnResult(who, request.answer ?? "");
  if (request.status === "denied") return cancelledSpawnResult(who);
  return `Not started: ${who} stopped the session's work while the plan waited, so no worker started. Do not spawn them again unless the user asks.`;
}

/**
 * Before a supervisor's spawn_agent call runs: when the whole batch of spawns in its last turn
 * passes a threshold, the batch waits on one `plan` request (keyed by the turn's message seq, so
 * a restart finds it). Start lets every spawn run as before; Change and Cancel answer each spawn
 * with why nothing started. "proceed" when the call may go on to its own gates.
 */
export async function planGate(
  kernel: RuntimeKernel,
  agent: AgentRow,
  entries: readonly TranscriptEntry[],
  seq: number,
  call: ToolCallPart,
): Promise<"proceed" | StepOutcome> {
  if (agent.role !== "supervisor" || call.name !== spawnToolName) return "proceed";
  const turn = lastTurn(entries);
  if (!turn) return "proceed";
  const key = planKey(turn.seq);
  const existing = await findRequestForToolCall(kernel.db, agent.id, key);
  if (!existing) {
    const spawns = turn.calls.filter((item) => item.name === spawnToolName);
    // A batch of which a spawn already ran (no plan was needed then) goes on as it started.
    if (spawns.some((item) => turn.answered.has(item.id))) return "proceed";
    const limits = kernel.config.limits;
    const session = await getSession(kernel.db, agent.sessionId);
    const settings = session ? sessionSettingsOf(session.metadata) : {};
    const plan = planFor(
      spawns.map((item) => spawnRequest(kernel, settings, item)),
      { workers: limits.planWorkersThreshold, costUsd: limits.planCostThresholdUsd },
      kernel.config.priceOverrides,
    );
    if (!plan) return "proceed";
    await waitForHuman(kernel, agent, {
      kind: "plan",
      toolCallId: key,
      prompt: planPrompt(plan),
      choices: [...planDecisions],
      action: plan,
    });
    return "stop";
  }
  if (existing.status === "pending") {
    if (agent.status !== "waiting") await parkAgent(kernel, agent);
    announceRequest(kernel, existing, agent.title);
    return "stop";
  }
  if (existing.status === "approved") return "proceed";
  const running = await ensureRunning(kernel, agent);
  if (!running) return "stop";
  return persistToolResult(
    kernel,
    running,
    seq,
    call,
    { risk: "safe", outcome: { output: outcomeText(existing), isError: true, status: "denied" } },
    undefined,
    { decision: true },
  );
}
