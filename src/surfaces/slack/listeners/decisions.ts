import type { App } from "@slack/bolt";
import type { ApprovalPolicy } from "../../../domain/decision-rule.ts";
import type { DecisionOutcome } from "../../../domain/requests.ts";
import type { SurfaceInput } from "../../../runtime/surface-port.ts";
import { admit } from "../admit.ts";
import { actionIds } from "../blocks/action-ids.ts";
import { mrkdwnText } from "../blocks/format.ts";
import { postEphemeral } from "../ephemeral.ts";
import { renderRequest, requestPurpose } from "../event-renderer.ts";
import { eventScope } from "../event-scope.ts";
import { redrawPlan } from "../plan-messages.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { actionValue, type ClickTarget, clickActor, clickTarget } from "./interaction.ts";

/** Who may decide under the policy in force; the other policy is not this person's concern. */
const policyRefusals: Record<ApprovalPolicy, string> = {
  "owner-or-approvers":
    "Only the person who started this session or a configured approver can decide this. Nothing was changed.",
  "approvers-only":
    "Only a configured approver other than the person who started this session can decide this. Nothing was changed.",
};

const refusals: Record<Exclude<DecisionOutcome, { ok: true }>["reason"], string> = {
  not_authorized: policyRefusals["owner-or-approvers"],
  already_decided: "This was already decided.",
  not_found: "This request no longer exists.",
  invalid: "That is not a valid answer to this request any more.",
};

function refusalText(outcome: Exclude<DecisionOutcome, { ok: true }>): string {
  const request = outcome.request;
  if (outcome.reason === "already_decided" && request) {
    const who = request.decidedBy ? ` by <@${request.decidedBy}>` : "";
    const answer =
      request.kind === "question" && request.answer ? `: “${mrkdwnText(request.answer, 500)}”` : "";
    return `This was already ${request.status}${who}${answer}. Nothing was changed.`;
  }
  if (outcome.reason === "not_authorized" && outcome.refusal) return outcome.refusal;
  if (outcome.reason === "not_authorized" && outcome.policy) return policyRefusals[outcome.policy];
  return refusals[outcome.reason];
}

/**
 * Sends a decision to the runtime, which decides who may make it. Success redraws the
 * request's message with the decision, who and when; anything else gets an ephemeral
 * notice for the clicker only, and nothing changes.
 */
type DecisionInput = Extract<
  SurfaceInput,
  { type: "approval-decision" | "budget-decision" | "answer" | "plan-decision" }
>;

export async function decide(
  context: SlackSurfaceContext,
  target: ClickTarget,
  input: DecisionInput,
): Promise<void> {
  // Who may act at all comes first; who may decide this request is the runtime's rule.
  const purpose = input.type === "answer" ? "answer" : "decide";
  if (!(await admit(context, clickActor(target), purpose, { threadTs: target.threadTs }))) return;
  const result = await context.runtime.handle(input);
  if (result.type !== "decision") return;
  const outcome = result.outcome;
  if (!outcome.ok) {
    await postEphemeral(
      context,
      { channel: target.channel, user: target.user, threadTs: target.threadTs },
      refusalText(outcome),
    );
    return;
  }
  if (outcome.request.kind === "plan") {
    await redrawPlan(context.publisher, outcome.request);
    return;
  }
  await context.publisher.update(
    outcome.request.sessionId,
    requestPurpose(outcome.request.id),
    renderRequest(outcome.request),
  );
}

/** Approve, Deny, Always allow; budget Extend and Stop. */
export function register(app: App, shared: SlackSurfaceContext): void {
  const decisions: [string, (requestId: string, userId: string) => DecisionInput][] = [
    [
      actionIds.approve,
      (requestId, userId) => ({ type: "approval-decision", requestId, userId, decision: "approve" }),
    ],
    [
      actionIds.deny,
      (requestId, userId) => ({ type: "approval-decision", requestId, userId, decision: "deny" }),
    ],
    [
      actionIds.alwaysAllow,
      (requestId, userId) => ({ type: "approval-decision", requestId, userId, decision: "always_allow" }),
    ],
    [
      actionIds.budgetExtend,
      (requestId, userId) => ({ type: "budget-decision", requestId, userId, decision: "extend" }),
    ],
    [
      actionIds.budgetStop,
      (requestId, userId) => ({ type: "budget-decision", requestId, userId, decision: "stop" }),
    ],
  ];
  for (const [actionId, inputOf] of decisions) {
    app.action(actionId, async ({ ack, body, action, context: boltContext }) => {
      const context = shared.forInstallation(eventScope(boltContext));
      await ack();
      const target = clickTarget(body);
      const requestId = actionValue(action);
      if (!target || !requestId) return;
      await context.track(decide(context, target, inputOf(requestId, target.user)));
    });
  }
}
