import type { App } from "@slack/bolt";
import { type FeedbackValue, isFeedbackValue } from "../../../domain/feedback.ts";
import { admit } from "../admit.ts";
import { actionIds } from "../blocks/action-ids.ts";
import { postEphemeral } from "../ephemeral.ts";
import { eventScope } from "../event-scope.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { findThreadSession } from "../thread-session.ts";
import { actionValue, type ClickTarget, clickActor, clickTarget } from "./interaction.ts";

const thanks: Record<FeedbackValue, string> = {
  positive: "Thanks for the feedback.",
  negative: "Thanks for the feedback. Reply in the thread to say what was missing.",
};

async function rate(context: SlackSurfaceContext, target: ClickTarget, value: FeedbackValue) {
  if (!target.messageTs) return;
  const session = await findThreadSession(context, target);
  if (!session) return;
  if (!(await admit(context, clickActor(target), "view", { threadTs: target.threadTs }))) return;
  await context.store.recordFeedback(session.id, target.messageTs, target.user, value);
  await postEphemeral(context, target, thanks[value]);
}

/** The feedback buttons under a final answer: one rating per person and answer, kept with the session. */
export function register(app: App, shared: SlackSurfaceContext): void {
  app.action(actionIds.feedback, async ({ ack, body, action, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    await ack();
    const target = clickTarget(body);
    const value = actionValue(action);
    if (!target || !isFeedbackValue(value)) return;
    await context.track(rate(context, target, value));
  });
}
