import type { RequestSnapshot } from "../../../domain/requests.ts";
import { contextLine, type SlackBlock } from "./block.ts";
import { mrkdwnText, slackDate } from "./format.ts";

const verbs: Record<RequestSnapshot["status"], string> = {
  pending: "Pending",
  answered: ":speech_balloon: Answered",
  approved: ":white_check_mark: Approved",
  denied: ":no_entry: Denied",
  extended: ":heavy_plus_sign: Budget extended",
  stopped: ":octagonal_sign: Stopped",
  cancelled: ":heavy_multiplication_x: Cancelled",
};

/** Who decided, what and when: shown in place of the buttons once a request is decided. */
export function decisionLine(request: RequestSnapshot): SlackBlock {
  const parts = [verbs[request.status]];
  if (request.kind === "approval" && request.decision === "always_allow") parts[0] += " (always allow)";
  if (request.decidedBy) parts.push(`by <@${request.decidedBy}>`);
  if (request.decidedAt) parts.push(slackDate(request.decidedAt));
  return contextLine(parts.join(" "));
}

export function answerLine(request: RequestSnapshot): string {
  return request.answer ? `*Answer:* ${mrkdwnText(request.answer, 500)}` : "";
}
