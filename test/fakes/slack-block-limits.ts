/**
 * The Block Kit limits real Slack enforces on a message or view, so a test fails where Slack
 * would answer `invalid_blocks`, `msg_too_long` or `invalid_arguments` instead of passing silently.
 */
const limits = {
  blocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  contextElementText: 3000,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  actionsElements: 25,
  messageText: 40_000,
  markdownText: 12_000,
  modalTitle: 24,
} as const;

function textOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const text = (value as { text?: unknown }).text;
  return typeof text === "string" ? text : undefined;
}

/** A button's or other element's own limits: text 1–75 characters, value and action_id bounded. */
function elementError(element: Record<string, unknown>): boolean {
  if (element.type === "button") {
    const text = textOf(element.text) ?? "";
    if (text.length === 0 || text.length > limits.buttonText) return true;
    if (typeof element.value === "string" && element.value.length > limits.buttonValue) return true;
  }
  return typeof element.action_id === "string" && element.action_id.length > limits.actionId;
}

/** `invalid_blocks` when any block breaks a limit Slack checks, else undefined. */
function blocksError(blocks: unknown, maximum: number): string | undefined {
  if (!Array.isArray(blocks) || blocks.length > maximum) return "invalid_blocks";
  const blockIds = new Set<string>();
  for (const block of blocks as Record<string, unknown>[]) {
    if (typeof block.block_id === "string") {
      // Slack refuses a message whose blocks share a block_id.
      if (blockIds.has(block.block_id) || block.block_id.length > limits.blockId) return "invalid_blocks";
      blockIds.add(block.block_id);
    }
    if (block.type === "section") {
      const text = textOf(block.text);
      if (text !== undefined && (text.length === 0 || text.length > limits.sectionText))
        return "invalid_blocks";
      const accessory = block.accessory as Record<string, unknown> | undefined;
      if (accessory && elementError(accessory)) return "invalid_blocks";
    }
    if (block.type === "context" && Array.isArray(block.elements)) {
      if (block.elements.length > limits.contextElements) return "invalid_blocks";
      for (const element of block.elements) {
        const length = textOf(element)?.length ?? 0;
        if (length === 0 || length > limits.contextElementText) return "invalid_blocks";
      }
    }
    if (block.type === "actions") {
      const elements = Array.isArray(block.elements) ? (block.elements as Record<string, unknown>[]) : [];
      if (elements.length === 0 || elements.length > limits.actionsElements) return "invalid_blocks";
      // An action_id must be unique among the elements of its block.
      const actionIds = elements.map((element) => element.action_id).filter((id) => typeof id === "string");
      if (new Set(actionIds).size !== actionIds.length) return "invalid_blocks";
      if (elements.some(elementError)) return "invalid_blocks";
    }
  }
  return undefined;
}

/** The error Slack would answer for these message params, or undefined when they are valid. */
export function blockLimitError(params: Record<string, unknown>): string | undefined {
  if (typeof params.text === "string" && params.text.length > limits.messageText) return "msg_too_long";
  if (typeof params.markdown_text === "string" && params.markdown_text.length > limits.markdownText)
    return "msg_too_long";
  if (params.blocks === undefined) return undefined;
  return blocksError(params.blocks, limits.blocks);
}

/** The error Slack would answer for `views.open` or `views.publish`, or undefined when valid. */
export function viewLimitError(params: Record<string, unknown>): string | undefined {
  const view = params.view as Record<string, unknown> | undefined;
  if (!view || (view.type !== "modal" && view.type !== "home")) return "invalid_arguments";
  if (view.type === "modal") {
    for (const field of ["title", "submit", "close"]) {
      const text = textOf(view[field]);
      if (field === "title" && text === undefined) return "invalid_arguments";
      if (text !== undefined && (text.length === 0 || text.length > limits.modalTitle))
        return "invalid_arguments";
    }
    if (typeof view.private_metadata === "string" && view.private_metadata.length > 3000)
      return "invalid_arguments";
  }
  return blocksError(view.blocks, limits.viewBlocks) ? "invalid_arguments" : undefined;
}
