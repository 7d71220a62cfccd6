import { truncate } from "../../../domain/text.ts";
import { neutralizeBroadcasts, truncateEscaped } from "./format.ts";

/** A Block Kit block, kept loose: Slack validates the shape, and new block types arrive often. */
export interface SlackBlock {
  type: string;
  [field: string]: unknown;
}

/** What a message post or edit carries: blocks plus the plain text notifications show. */
export interface RenderedMessage {
  text: string;
  blocks: SlackBlock[];
}

/** `text` is mrkdwn, already escaped; it is cut at Slack's limit without splitting an escape. */
export function markdownSection(text: string): SlackBlock {
  return { type: "section", text: { type: "mrkdwn", text: truncateEscaped(text, 3000) } };
}

export function contextLine(text: string): SlackBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text: truncateEscaped(text, 3000) }] };
}

export function button(options: {
  text: string;
  actionId: string;
  value: string;
  style?: "primary" | "danger";
}): SlackBlock {
  // Slack refuses a button without text, and model text can neutralize to nothing (`<!date^1^x|>`).
  const text = truncate(neutralizeBroadcasts(options.text), 75);
  const element: SlackBlock = {
    type: "button",
    text: { type: "plain_text", text: text.trim() === "" ? "(blank)" : text, emoji: true },
    action_id: options.actionId,
    value: options.value,
  };
  if (options.style) element.style = options.style;
  return element;
}

/** At most 25 elements, Slack's limit; their action ids must differ (callers suffix repeated buttons). */
export function actionsBlock(elements: SlackBlock[], blockId?: string): SlackBlock {
  const block: SlackBlock = { type: "actions", elements: elements.slice(0, 25) };
  if (blockId) block.block_id = blockId;
  return block;
}
