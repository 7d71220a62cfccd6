/**
 * The Block Kit limits real Slack enforces on a message, so a test fails where Slack
 * would answer `invalid_blocks` or `msg_too_long` instead of passing silently.
 */
const limits = {
  blocks: 50,
  sectionText: 3000,
  contextElementText: 3000,
  buttonText: 75,
  actionsElements: 25,
  messageText: 40_000,
} as const;

function textOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const text = (value as { text?: unknown }).text;
  return typeof text === "string" ? text : undefined;
}

/** The error Slack would answer for these message params, or undefined when they are valid. */
export function blockLimitError(params: Record<string, unknown>): string | undefined {
  if (typeof params.text === "string" && params.text.length > limits.messageText) return "msg_too_long";
  const blocks = params.blocks;
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks) || blocks.length > limits.blocks) return "invalid_blocks";
  for (const block of blocks as Record<string, unknown>[]) {
    if (block.type === "section") {
      const text = textOf(block.text);
      if (text !== undefined && (text.length === 0 || text.length > limits.sectionText))
        return "invalid_blocks";
    }
    if (block.type === "context" && Array.isArray(block.elements)) {
      for (const element of block.elements) {
        if ((textOf(element)?.length ?? 0) > limits.contextElementText) return "invalid_blocks";
      }
    }
    if (block.type === "actions") {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      if (elements.length > limits.actionsElements) return "invalid_blocks";
      for (const element of elements as Record<string, unknown>[]) {
        if ((textOf(element.text)?.length ?? 0) > limits.buttonText) return "invalid_blocks";
      }
    }
  }
  return undefined;
}
