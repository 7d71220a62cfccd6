/**
 * The Block Kit limits real Slack enforces on a message or view, so a test fails where Slack
 * would answer `invalid_blocks`, `msg_too_long` or `invalid_arguments` instead of passing silently.
 * Sources: docs.slack.dev/reference/block-kit (blocks, block elements, composition objects),
 * docs.slack.dev/surfaces/modals and the `@slack/types` comments. `action_id` must be unique
 * among the elements of its block; `block_id` unique within the message or view.
 */
export const blockKitLimits = {
  messageBlocks: 50,
  viewBlocks: 100,
  /** Any text object unless the field says less. */
  text: 3000,
  sectionFields: 10,
  sectionField: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  contextActionsElements: 5,
  inputLabel: 2000,
  inputHint: 2000,
  imageAlt: 2000,
  url: 3000,
  markdownBlock: 12_000,
  planTasks: 50,
  buttonText: 75,
  buttonValue: 2000,
  placeholder: 150,
  options: 100,
  optionText: 75,
  optionValue: 150,
  actionId: 255,
  blockId: 255,
  callbackId: 255,
  privateMetadata: 3000,
  modalTitle: 24,
  messageText: 40_000,
  markdownText: 12_000,
} as const;

const limits = blockKitLimits;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A text object's text, or undefined when `value` is not a text object. */
function textOf(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  return typeof value.text === "string" ? value.text : undefined;
}

/** A text object Slack accepts: `plain_text` (or `mrkdwn` when allowed) with 1–`maximum` characters. */
function textObjectError(value: unknown, maximum: number, plainOnly = false): boolean {
  if (!isObject(value)) return true;
  if (value.type !== "plain_text" && (plainOnly || value.type !== "mrkdwn")) return true;
  const text = textOf(value);
  return text === undefined || text.length === 0 || text.length > maximum;
}

function tooLong(value: unknown, maximum: number): boolean {
  return typeof value === "string" && value.length > maximum;
}

/** An interactive element's own limits. */
function elementError(element: unknown): boolean {
  if (!isObject(element) || typeof element.type !== "string") return true;
  if (tooLong(element.action_id, limits.actionId)) return true;
  if (element.placeholder !== undefined && textObjectError(element.placeholder, limits.placeholder, true))
    return true;
  switch (element.type) {
    case "button":
      if (textObjectError(element.text, limits.buttonText, true)) return true;
      if (tooLong(element.value, limits.buttonValue) || tooLong(element.url, limits.url)) return true;
      return element.style !== undefined && element.style !== "primary" && element.style !== "danger";
    case "static_select":
    case "multi_static_select":
    case "overflow":
    case "radio_buttons":
    case "checkboxes": {
      const options = Array.isArray(element.options) ? element.options : [];
      if (options.length > limits.options) return true;
      return options.some(
        (option) =>
          !isObject(option) ||
          textObjectError(option.text, limits.optionText) ||
          tooLong(option.value, limits.optionValue),
      );
    }
    case "feedback_buttons":
      return [element.positive_button, element.negative_button].some(
        (part) => !isObject(part) || textObjectError(part.text, limits.buttonText, true),
      );
    default:
      return false;
  }
}

/** Elements of one block: each valid, and no two share an `action_id`. */
function elementsError(elements: unknown[]): boolean {
  const actionIds = elements
    .map((element) => (isObject(element) ? element.action_id : undefined))
    .filter((id): id is string => typeof id === "string");
  if (new Set(actionIds).size !== actionIds.length) return true;
  return elements.some(elementError);
}

function richTextError(value: unknown): boolean {
  return !isObject(value) || value.type !== "rich_text" || !Array.isArray(value.elements);
}

function taskCardError(task: unknown): boolean {
  if (!isObject(task) || typeof task.task_id !== "string" || task.task_id === "") return true;
  if (typeof task.title !== "string" || task.title === "") return true;
  if (
    task.status !== undefined &&
    !["pending", "in_progress", "complete", "error"].includes(String(task.status))
  )
    return true;
  if (task.details !== undefined && richTextError(task.details)) return true;
  return task.output !== undefined && richTextError(task.output);
}

/** True when Slack would refuse this block. */
function blockError(block: Json, surface: "message" | "view"): boolean {
  const elements = Array.isArray(block.elements) ? (block.elements as unknown[]) : undefined;
  switch (block.type) {
    case "section": {
      const fields = Array.isArray(block.fields) ? block.fields : undefined;
      if (block.text === undefined && fields === undefined) return true;
      if (block.text !== undefined && textObjectError(block.text, limits.text)) return true;
      if (
        fields &&
        (fields.length > limits.sectionFields ||
          fields.some((field) => textObjectError(field, limits.sectionField)))
      )
        return true;
      return block.accessory !== undefined && elementError(block.accessory);
    }
    case "header":
      return textObjectError(block.text, limits.headerText, true);
    case "context":
      if (!elements || elements.length === 0 || elements.length > limits.contextElements) return true;
      return elements.some(
        (element) => isObject(element) && element.type !== "image" && textObjectError(element, limits.text),
      );
    case "actions":
      if (!elements || elements.length === 0 || elements.length > limits.actionsElements) return true;
      return elementsError(elements);
    case "context_actions":
      if (surface !== "message") return true;
      if (!elements || elements.length === 0 || elements.length > limits.contextActionsElements) return true;
      return elementsError(elements);
    case "input":
      if (textObjectError(block.label, limits.inputLabel, true)) return true;
      if (block.hint !== undefined && textObjectError(block.hint, limits.inputHint, true)) return true;
      return elementError(block.element);
    case "image":
      return tooLong(block.alt_text, limits.imageAlt) || tooLong(block.image_url, limits.url);
    case "markdown":
      return typeof block.text !== "string" || block.text.length > limits.markdownBlock;
    case "plan": {
      if (surface !== "message" || typeof block.title !== "string" || block.title === "") return true;
      const tasks = Array.isArray(block.tasks) ? block.tasks : [];
      if (tasks.length > limits.planTasks || tasks.some(taskCardError)) return true;
      const ids = tasks.map((task) => (task as Json).task_id);
      return new Set(ids).size !== ids.length;
    }
    case "task_card":
      return surface !== "message" || taskCardError(block);
    case "divider":
      return false;
    case "rich_text":
      return richTextError(block);
    default:
      return typeof block.type !== "string";
  }
}

/** `invalid_blocks` when any block breaks a limit Slack checks, else undefined. */
function blocksError(blocks: unknown, maximum: number, surface: "message" | "view"): string | undefined {
  if (!Array.isArray(blocks) || blocks.length > maximum) return "invalid_blocks";
  const blockIds = new Set<string>();
  for (const block of blocks) {
    if (!isObject(block)) return "invalid_blocks";
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== "string" || block.block_id.length > limits.blockId)
        return "invalid_blocks";
      // Slack refuses a message or view whose blocks share a block_id.
      if (blockIds.has(block.block_id)) return "invalid_blocks";
      blockIds.add(block.block_id);
    }
    if (blockError(block, surface)) return "invalid_blocks";
  }
  return undefined;
}

/** The error Slack would answer for these message params, or undefined when they are valid. */
export function blockLimitError(params: Record<string, unknown>): string | undefined {
  if (typeof params.text === "string" && params.text.length > limits.messageText) return "msg_too_long";
  if (typeof params.markdown_text === "string" && params.markdown_text.length > limits.markdownText)
    return "msg_too_long";
  if (params.blocks === undefined) return undefined;
  return blocksError(params.blocks, limits.messageBlocks, "message");
}

/** The error Slack would answer for `views.open`, `views.update` or `views.publish`, or undefined when valid. */
export function viewLimitError(params: Record<string, unknown>): string | undefined {
  const view = params.view;
  if (!isObject(view) || (view.type !== "modal" && view.type !== "home")) return "invalid_arguments";
  if (tooLong(view.private_metadata, limits.privateMetadata)) return "invalid_arguments";
  if (tooLong(view.callback_id, limits.callbackId) || tooLong(view.external_id, limits.callbackId))
    return "invalid_arguments";
  if (view.type === "modal") {
    if (textObjectError(view.title, limits.modalTitle, true)) return "invalid_arguments";
    for (const field of ["submit", "close"]) {
      if (view[field] !== undefined && textObjectError(view[field], limits.modalTitle, true))
        return "invalid_arguments";
    }
    // A modal with an input block needs a submit button to send it.
    const blocks = Array.isArray(view.blocks) ? view.blocks : [];
    if (view.submit === undefined && blocks.some((block) => isObject(block) && block.type === "input"))
      return "invalid_arguments";
  }
  return blocksError(view.blocks, limits.viewBlocks, "view") ? "invalid_arguments" : undefined;
}
