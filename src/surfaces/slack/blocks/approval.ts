import {
  type ApprovalAction,
  exactActionText,
  parseApprovalAction,
} from "../../../domain/approval-action.ts";
import { approvalReviewText } from "../../../domain/approval-review.ts";
import type { RequestSnapshot } from "../../../domain/requests.ts";
import { oneLine } from "../../../domain/text.ts";
import { actionIds } from "./action-ids.ts";
import {
  actionsBlock,
  button,
  contextLine,
  markdownSection,
  type RenderedMessage,
  type SlackBlock,
} from "./block.ts";
import { escapeText, mrkdwnText, splitEscaped } from "./format.ts";
import { decisionLine } from "./request-status.ts";

/** Escaped characters per code section: Slack allows 3,000 per section text, the fences take 6. */
const codeSectionLength = 2_900;
/** Code sections per message: with the header, input, buttons and notes it stays under Slack's 50 blocks. */
const maximumCodeSections = 40;

/**
 * Code sections showing `text` exactly. Backtick runs would close Slack's code fence early,
 * so a zero-width space goes between backticks and at each section's edges; `spaced` says so.
 */
function codeSections(text: string): { sections: string[]; spaced: boolean } {
  const spacedText = text.replace(/`(?=`)/g, "`\u200b");
  let spaced = spacedText !== text;
  // Two characters of room per section for the edge spacers.
  const sections = splitEscaped(spacedText, codeSectionLength - 2).map((piece) => {
    const edged = piece.replace(/^`/, "\u200b`").replace(/`$/, "`\u200b");
    spaced ||= edged !== piece;
    return `\`\`\`${edged}\`\`\``;
  });
  return { sections, spaced };
}

/** The exact action as code sections, or undefined when it cannot be shown in full in one message. */
function approvalCodeSections(action: ApprovalAction): { sections: string[]; notes: string[] } | undefined {
  const review = approvalReviewText(action);
  const main = codeSections(review.main.text);
  const other = review.rest ? codeSections(review.rest.text) : undefined;
  // The approver must read all of a description that says what will happen, not a cut prompt.
  const described =
    review.description === undefined ? [] : splitEscaped(review.description, codeSectionLength);
  const sections = [...described, ...main.sections];
  if (other) sections.push("*With these options:*", ...other.sections);
  if (sections.length > maximumCodeSections) return undefined;
  const notes: string[] = [];
  if (main.sections.length > 1) {
    notes.push(
      `The command is ${exactActionText(action).main.length} characters, shown in full in ${main.sections.length} parts.`,
    );
  }
  if (review.main.marked || review.rest?.marked)
    notes.push("Invisible and control characters are written out as ⟦U+XXXX⟧.");
  if (main.spaced || other?.spaced) {
    notes.push("Backticks are separated by invisible spaces only here, so Slack shows them all.");
  }
  return { sections, notes };
}

/** The rule "Always allow" adds, in words: exactly this action, nothing wider. */
function alwaysAllowRule(action: ApprovalAction): string {
  if (action.allowAlways === false)
    return `"Always allow" is not offered: this action asks a person every time.`;
  const what =
    typeof action.input.command === "string"
      ? "exactly this command (same text, same options)"
      : `exactly this \`${escapeText(action.tool)}\` action (same input)`;
  return `"Always allow" runs ${what} again without asking, for the rest of this session. Any other command or input still asks.`;
}

function headerLines(request: RequestSnapshot, action: ApprovalAction | undefined): string {
  const workspace = action ? [action.repo, action.branch].filter(Boolean).join(" @ ") : "";
  const lines = [
    // One line each: the exact action is shown in full below.
    `:lock: *Approval needed:* ${mrkdwnText(oneLine(request.prompt), 600)}`,
    `*Agent:* ${mrkdwnText(oneLine(request.agentTitle), 300)}`,
    workspace ? `*Workspace:* \`${mrkdwnText(oneLine(workspace), 300)}\`` : undefined,
    action ? `*Tool:* \`${mrkdwnText(oneLine(action.tool), 100)}\`` : undefined,
  ];
  return lines.filter((line): line is string => line !== undefined).join("\n");
}

/** Agent, workspace and the whole exact action, with Approve, Deny and "Always allow"; once decided, who and when. */
export function renderApproval(request: RequestSnapshot): RenderedMessage {
  const action = parseApprovalAction(request.action);
  const shown = action ? approvalCodeSections(action) : undefined;
  const text = `Approval needed: ${mrkdwnText(oneLine(request.prompt), 2000)}`;
  const blocks: SlackBlock[] = [markdownSection(headerLines(request, action))];
  if (shown) {
    for (const section of shown.sections) blocks.push(markdownSection(section));
    if (shown.notes.length > 0) blocks.push(contextLine(shown.notes.join(" ")));
  } else {
    blocks.push(
      markdownSection(
        action
          ? "This action is too long to show here in full, so it cannot be approved from Slack."
          : "This request's action cannot be read, so it cannot be approved from Slack.",
      ),
    );
  }
  if (request.status !== "pending") return { text, blocks: [...blocks, decisionLine(request)] };
  // Nobody can approve what they cannot see: without the full action only Deny is offered.
  const buttons = [button({ text: "Deny", actionId: actionIds.deny, value: request.id, style: "danger" })];
  if (action && shown) {
    buttons.unshift(
      button({ text: "Approve", actionId: actionIds.approve, value: request.id, style: "primary" }),
    );
    if (action.allowAlways !== false) {
      buttons.push(button({ text: "Always allow", actionId: actionIds.alwaysAllow, value: request.id }));
    }
  }
  blocks.push(actionsBlock(buttons, `approval_${request.id}`.slice(0, 255)));
  if (action && shown) blocks.push(contextLine(alwaysAllowRule(action)));
  return { text, blocks };
}
