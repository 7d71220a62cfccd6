import type { RequestSnapshot } from "../../../domain/requests.ts";
import { actionIds } from "./action-ids.ts";
import { actionsBlock, button, markdownSection, type RenderedMessage } from "./block.ts";
import { mrkdwnText } from "./format.ts";
import { decisionLine } from "./request-status.ts";

/**
 * The session reached its budget, or a team's spend limit paused it (its action names the limit):
 * Extend or Stop, decided by the owner or an approver (a spend limit: an approver or admin).
 */
export function renderBudget(request: RequestSnapshot): RenderedMessage {
  const what = request.action && "spendLimit" in request.action ? "Spend limit reached" : "Budget reached";
  const heading = `:money_with_wings: *${what}.* ${mrkdwnText(request.prompt, 2500)}`;
  const text = `${what}: ${mrkdwnText(request.prompt, 2500)}`;
  if (request.status !== "pending")
    return { text, blocks: [markdownSection(heading), decisionLine(request)] };
  return {
    text,
    blocks: [
      markdownSection(heading),
      actionsBlock(
        [
          button({ text: "Extend", actionId: actionIds.budgetExtend, value: request.id, style: "primary" }),
          button({ text: "Stop", actionId: actionIds.budgetStop, value: request.id, style: "danger" }),
        ],
        `budget_${request.id}`.slice(0, 255),
      ),
    ],
  };
}
