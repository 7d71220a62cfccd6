import { SlackApiError } from "../../adapters/slack/slack-errors.ts";
import type { RequestSnapshot } from "../../domain/requests.ts";
import type { RenderedMessage } from "./blocks/block.ts";
import { type PlanStyle, renderPlan } from "./blocks/fan-out-plan.ts";
import type { MessagePublisher } from "./message-publisher.ts";
import type { SlackThread } from "./session-threads.ts";

/** The message purpose of a request; the same key the other requests use. */
function purposeOf(request: RequestSnapshot): string {
  return `request:${request.id}`;
}

/**
 * Shows the plan with Slack's plan and task_card blocks and, where Slack refuses them
 * (`invalid_blocks`: a workspace or client without them), as sections every client renders.
 */
async function withFallback(send: (message: RenderedMessage) => Promise<unknown>, request: RequestSnapshot) {
  const styles: PlanStyle[] = ["plan", "sections"];
  for (const [index, style] of styles.entries()) {
    try {
      await send(renderPlan(request, style));
      return;
    } catch (error) {
      const last = index === styles.length - 1;
      if (last || !(error instanceof SlackApiError) || error.slackError !== "invalid_blocks") throw error;
    }
  }
}

/** Posts the plan in the thread, or edits the message already posted for it. */
export function publishPlan(
  publisher: MessagePublisher,
  thread: SlackThread,
  request: RequestSnapshot,
): Promise<void> {
  return withFallback(
    (message) => publisher.publish(request.sessionId, purposeOf(request), thread, message),
    request,
  );
}

/** Redraws a posted plan (decided: who decided what and when, no buttons). */
export function redrawPlan(publisher: MessagePublisher, request: RequestSnapshot): Promise<void> {
  return withFallback((message) => publisher.update(request.sessionId, purposeOf(request), message), request);
}
