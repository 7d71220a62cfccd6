import type { RequestSnapshot } from "../../runtime/surface-port.ts";
import {
  type ApprovalAction,
  exactActionText,
  parseApprovalAction,
  visibleText,
} from "../approval-action.ts";
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
 * Backtick runs would close Slack's code fence early: a zero-width space goes between
 * backticks, and at the edges, so every backtick shows. The note says so.
 */
function fenceSafe(text: string): { text: string; spaced: boolean } {
  const spaced = text
    .replace(/`(?=`)/g, "`\u200b")
    .replace(/^`/, "\u200b`")
    .replace(/`$/, "`\u200b");
  return { text: spaced, spaced: spaced !== text };
}

/** The exact action as code sections, or undefined when it cannot be shown in full in one message. */
export function approvalCodeSections(
  action: ApprovalAction,
): { sections: string[]; notes: string[] } | undefined {
  const exact = exactActionText(action);
  const visible = visibleText(exact.main);
  const pieces = splitEscaped(visible.text, codeSectionLength);
  if (pieces.length > maximumCodeSections) return undefined;
  const notes: string[] = [];
  let spacedAny = false;
  const sections = pieces.map((piece) => {
    const safe = fenceSafe(piece);
    spacedAny ||= safe.spaced;
    return `\`\`\`${safe.text}\`\`\``;
  });
  if (pieces.length > 1)
    notes.push(`The command is ${exact.main.length} characters, shown in full in ${pieces.length} parts.`);
  if (visible.marked) notes.push("Invisible and control characters are written out as ⟦U+XXXX⟧.");
  if (spacedAny)
    notes.push("Backticks are separated by invisible spaces only here, so Slack shows them all.");
  if (exact.rest !== undefined) {
    const rest = visibleText(exact.rest);
    if (rest.text.length > codeSectionLength - 20) return undefined;
    sections.push(`*With:* \`${escapeText(rest.text.replaceAll("`", "'"))}\``);
  }
  return { sections, notes };
}

/** Whether an action can be shown in full in one approval message. */
export function fitsInApprovalMessage(action: ApprovalAction): boolean {
  return approvalCodeSections(action) !== undefined;
}

/** The rule "Always allow" adds, in words: exactly this action, nothing wider. */
export function alwaysAllowRule(action: ApprovalAction): string {
  const what =
    typeof action.input.command === "string"
      ? "exactly this command (same text, same options)"
      : `exactly this \`${escapeText(action.tool)}\` action (same input)`;
  return `"Always allow" runs ${what} again without asking, for the rest of this session. Any other command or input still asks.`;
}

function headerLines(request: RequestSnapshot, action: ApprovalAction | undefined): string {
  const workspace = action ? [action.repo, action.branch].filter(Boolean).join(" @ ") : "";
  const lines = [
    `:lock: *Approval needed:* ${mrkdwnText(request.prompt, 600)}`,
    `*Agent:* ${mrkdwnText(request.agentTitle, 300)}`,
    workspace ? `*Workspace:* \`${mrkdwnText(workspace, 300)}\`` : undefined,
    action ? `*Tool:* \`${mrkdwnText(action.tool, 100)}\`` : undefined,
  ];
  return lines.filter((line): line is string => line !== undefined).join("\n");
}

/** Agent, workspace and the whole exact action, with Approve, Deny and "Always allow"; once decided, who and when. */
export function renderApproval(request: RequestSnapshot): RenderedMessage {
  const action = parseApprovalAction(request.action);
  const shown = action ? approvalCodeSections(action) : undefined;
  const text = `Approval needed: ${mrkdwnText(request.prompt, 2000)}`;
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
    buttons.push(button({ text: "Always allow", actionId: actionIds.alwaysAllow, value: request.id }));
  }
  blocks.push(actionsBlock(buttons, `approval_${request.id}`.slice(0, 255)));
  if (action && shown) blocks.push(contextLine(alwaysAllowRule(action)));
  return { text, blocks };
}
