import { parseQuestionLink } from "../../../domain/question-link.ts";
import type { RequestSnapshot } from "../../../domain/requests.ts";
import { oneLine, truncate } from "../../../domain/text.ts";
import { actionIds } from "./action-ids.ts";
import { actionsBlock, button, markdownSection, type RenderedMessage, type SlackBlock } from "./block.ts";
import { mrkdwnText } from "./format.ts";
import { answerLine, decisionLine } from "./request-status.ts";

/** The value of a choice button: which request, which choice (by index, so values stay short). */
function choiceValue(requestId: string, index: number): string {
  return JSON.stringify({ request: requestId, choice: index });
}

/** A button that opens the question's link; its text names the host, which the server cannot choose freely. */
function linkButton(request: RequestSnapshot): SlackBlock[] {
  const link = parseQuestionLink(request.action);
  if (!link) return [];
  return [
    {
      type: "button",
      text: { type: "plain_text", text: truncate(`Open ${link.host}`, 75), emoji: false },
      action_id: actionIds.openLink,
      url: link.url,
      value: request.id,
      style: "primary",
    },
  ];
}

/**
 * "<agent> asks: …" with a link button when it has a link, a button per choice and "Answer…";
 * once answered, the answer and who gave it.
 */
export function renderQuestion(request: RequestSnapshot): RenderedMessage {
  const heading = `*${mrkdwnText(oneLine(request.agentTitle), 300)}* asks: ${mrkdwnText(request.prompt, 2400)}`;
  const text = `${mrkdwnText(oneLine(request.agentTitle), 300)} asks: ${mrkdwnText(request.prompt, 2500)}`;
  if (request.status !== "pending") {
    const answer = answerLine(request);
    return {
      text,
      blocks: [markdownSection(answer ? `${heading}\n${answer}` : heading), decisionLine(request)],
    };
  }
  const choices = (request.choices ?? []).slice(0, 20).map((choice, index) =>
    button({
      text: truncate(choice, 75),
      actionId: `${actionIds.answerChoice}_${index}`,
      value: choiceValue(request.id, index),
    }),
  );
  const answer = button({ text: "Answer…", actionId: actionIds.answerOpen, value: request.id });
  return {
    text,
    blocks: [
      markdownSection(heading),
      actionsBlock([...linkButton(request), ...choices, answer], `question_${request.id}`.slice(0, 255)),
    ],
  };
}
