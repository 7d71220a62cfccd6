import { oneLine, truncate } from "../../../domain/text.ts";
import { actionIds } from "./action-ids.ts";
import { actionsBlock, button, contextLine, markdownSection, type RenderedMessage } from "./block.ts";
import { mrkdwnText } from "./format.ts";

/** A person's turn that ended without an answer: what happened, and a Retry when it may help. */
export function renderTurnFailed(failureId: string, reason: string, retryable: boolean): RenderedMessage {
  const shown = mrkdwnText(oneLine(truncate(reason, 500)));
  const blocks = [markdownSection(`:warning: I could not finish this: ${shown}.`)];
  if (retryable) {
    blocks.push(
      actionsBlock([
        button({ text: "Retry", actionId: actionIds.retryTurn, value: failureId, style: "primary" }),
      ]),
    );
  } else {
    blocks.push(contextLine("Send another message to try again."));
  }
  return { text: truncate(`I could not finish this: ${oneLine(reason)}`, 300), blocks };
}

/** The failure message once someone pressed Retry: the button goes, so it is pressed once. */
export function renderTurnRetried(userId: string): RenderedMessage {
  return {
    text: "Running it again",
    blocks: [contextLine(`:repeat: <@${mrkdwnText(userId, 40)}> asked to run this again.`)],
  };
}

export function turnFailedPurpose(failureId: string): string {
  return `turn-failed:${failureId}`;
}
