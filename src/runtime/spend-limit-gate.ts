import { z } from "zod";
import type { AgentRow } from "../adapters/database/agents.ts";
import { getSession, type SessionRow } from "../adapters/database/sessions.ts";
import {
  claimSpendAlert,
  extensionOf,
  pendingSpendRequest,
  spentAgainst,
  teamSpendLimits,
} from "../adapters/database/spend-limits.ts";
import { spendLimitPause, spendRequestPrefix } from "../domain/spend-limit-pause.ts";
import {
  alertText,
  limitReached,
  limitReachedText,
  limitsInForce,
  type SpendAttribution,
  type SpendLimitTarget,
  targetsFor,
  thresholdsReached,
} from "../domain/spend-limits.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { decidedPause, pauseForSpend } from "./spend-pause.ts";

const teamMetadata = z.object({
  teamId: z.string().min(1),
  enterpriseId: z.string().min(1).optional(),
  channel: z.string().min(1).optional(),
});

/** Whom the session's spend counts against; undefined for a session outside any team (the terminal). */
export function attributionOf(
  session: Pick<SessionRow, "metadata" | "ownerId">,
): SpendAttribution | undefined {
  const parsed = teamMetadata.safeParse(session.metadata);
  if (!parsed.success) return undefined;
  return {
    // Keyed by team alone, as limits set from Slack are: a team id is unique across organizations.
    scope: { teamId: parsed.data.teamId, enterpriseId: undefined },
    channelId: parsed.data.channel,
    personId: session.ownerId,
  };
}

interface ReachedLimit {
  target: SpendLimitTarget;
  baseMicros: number;
  spentMicros: number;
  limitMicros: number;
}

/**
 * Alerts the admins at each threshold a limit's spend has reached (once per period, whichever
 * instance claims it first) and returns the first limit the spend has reached, if any.
 */
async function checkLimits(
  kernel: RuntimeKernel,
  sessionId: string,
  attribution: SpendAttribution,
): Promise<ReachedLimit | undefined> {
  const team = await teamSpendLimits(kernel.db, attribution.scope);
  const amounts = limitsInForce(kernel.config.limits.spendLimits ?? {}, team);
  let reached: ReachedLimit | undefined;
  for (const { target, limitMicros: baseMicros } of targetsFor(attribution, amounts, kernel.now())) {
    const spentMicros = await spentAgainst(kernel.db, target);
    const limitMicros = baseMicros + (await extensionOf(kernel.db, target));
    for (const percent of thresholdsReached(spentMicros, limitMicros)) {
      const alert = { percent, spentMicros, limitMicros };
      if (!(await claimSpendAlert(kernel.db, target, alert))) continue;
      const text = alertText(target, percent, spentMicros, limitMicros);
      kernel.emit({ type: "spend-limit-alert", sessionId, alert: { target, ...alert, text } });
    }
    if (!reached && limitReached(spentMicros, limitMicros)) {
      reached = { target, baseMicros, spentMicros, limitMicros };
    }
  }
  return reached;
}

/**
 * Checks the team's spend limits before a model turn. At a limit the agent waits on a budget
 * request keyed `spend:<step>` (Extend by an approver raises the limit for its period; Stop stops
 * the session's agents); a step already under way has finished, so nothing running is lost.
 */
export async function spendLimitGate(kernel: RuntimeKernel, agent: AgentRow): Promise<"allowed" | "stop"> {
  const session = await getSession(kernel.db, agent.sessionId);
  const attribution = session ? attributionOf(session) : undefined;
  if (!attribution) return "allowed";
  const key = `${spendRequestPrefix}${agent.step}`;
  const decided = await decidedPause(kernel, agent, key);
  if (decided === "allowed" || decided === "stop") return decided;
  const reached = await checkLimits(kernel, agent.sessionId, attribution);
  if (!reached) return "allowed";
  return pauseForSpend(kernel, agent, {
    own: decided.open,
    pendingForSession: () => pendingSpendRequest(kernel.db, agent.sessionId),
    request: {
      kind: "budget",
      toolCallId: key,
      prompt: `${limitReachedText(reached.target.kind, reached.spentMicros, reached.limitMicros)} An approver may extend the limit for this period, or stop the session's agents.`,
      choices: ["extend", "stop"],
      action: spendLimitPause(reached.target, reached.baseMicros),
    },
  });
}
