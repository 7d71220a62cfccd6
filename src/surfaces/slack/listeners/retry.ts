import type { App } from "@slack/bolt";
import type { RetryOutcome } from "../../../runtime/runtime-api.ts";
import { admit } from "../admit.ts";
import { actionIds } from "../blocks/action-ids.ts";
import { renderTurnRetried, turnFailedPurpose } from "../blocks/turn-failed.ts";
import { postEphemeral } from "../ephemeral.ts";
import { eventScope } from "../event-scope.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { findThreadSession } from "../thread-session.ts";
import { actionValue, type ClickTarget, clickActor, clickTarget } from "./interaction.ts";

const refusals: Record<Exclude<RetryOutcome, "retried">, string> = {
  not_authorized:
    "Only the person who started this session or a configured approver can retry it. Nothing was changed.",
  busy: "This session is already working on a turn. Nothing was changed.",
  nothing_to_retry: "There is no message in this session to run again.",
};

/**
 * Retry on a failure message: the session is the thread's own (the button's value only names
 * which failure message to update), and the runtime decides who may retry.
 */
async function retry(context: SlackSurfaceContext, target: ClickTarget, failureId: string): Promise<void> {
  const session = await findThreadSession(context, target);
  if (!session) return;
  if (!(await admit(context, clickActor(target), "decide", { threadTs: target.threadTs }))) return;
  const result = await context.runtime.handle({ type: "retry", sessionId: session.id, userId: target.user });
  if (result.type !== "retry") return;
  if (result.outcome !== "retried") {
    await postEphemeral(context, target, refusals[result.outcome]);
    return;
  }
  const thread = await context.threads.get(session.id);
  if (thread && target.messageTs) void context.sessions.started(thread, { messageTs: target.messageTs });
  await context.publisher.update(session.id, turnFailedPurpose(failureId), renderTurnRetried(target.user));
}

export function register(app: App, shared: SlackSurfaceContext): void {
  app.action(actionIds.retryTurn, async ({ ack, body, action, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    await ack();
    const target = clickTarget(body);
    const failureId = actionValue(action);
    if (!target || !failureId) return;
    await context.track(retry(context, target, failureId));
  });
}
