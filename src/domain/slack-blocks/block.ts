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

export function markdownSection(text: string): SlackBlock {
  return { type: "section", text: { type: "mrkdwn", text: text.slice(0, 3000) } };
}

export function contextLine(text: string): SlackBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text: text.slice(0, 3000) }] };
}

export function button(options: {
  text: string;
  actionId: string;
  value: string;
  style?: "primary" | "danger";
}): SlackBlock {
  const element: SlackBlock = {
    type: "button",
    text: { type: "plain_text", text: options.text.slice(0, 75), emoji: true },
    action_id: options.actionId,
    value: options.value,
  };
  if (options.style) element.style = options.style;
  return element;
}

/** Slack requires action ids to be unique within a message, so repeated buttons get a suffix. */
export function actionsBlock(elements: SlackBlock[], blockId?: string): SlackBlock {
  const block: SlackBlock = { type: "actions", elements: elements.slice(0, 25) };
  if (blockId) block.block_id = blockId;
  return block;
}
