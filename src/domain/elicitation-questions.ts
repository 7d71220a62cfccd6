import { visibleText } from "./approval-action.ts";
import { displayUrl } from "./display-url.ts";
import {
  declineChoice,
  type ElicitationField,
  fieldChoices,
  optionsAreButtons,
} from "./elicitation-fields.ts";
import type { QuestionLink } from "./question-link.ts";
import { oneLine, truncate } from "./text.ts";

/** A question to put to people for an MCP server's elicitation. */
export interface ElicitationQuestion {
  prompt: string;
  choices: string[];
  link?: QuestionLink;
}

export const doneChoice = "Done";

/**
 * The server's text inside a fence it cannot close, invisible and control characters written
 * out: people read it as quoted, not as Threadwork's words, and a terminal draws nothing from it.
 */
function fenced(text: string, maximum: number): string {
  const body = visibleText(truncate(text.trim(), maximum)).text.replace(/`{3,}/g, "'''");
  return `\`\`\`\n${body === "" ? "(no message)" : body}\n\`\`\``;
}

function heading(server: string, what: string): string {
  return `The MCP server "${truncate(oneLine(server), 60)}" ${what}. Its text, not Threadwork's:`;
}

function range(low: number | undefined, high: number | undefined, unit = ""): string {
  if (low !== undefined && high !== undefined) return ` from ${low} to ${high}${unit}`;
  if (low !== undefined) return ` of at least ${low}${unit}`;
  if (high !== undefined) return ` of at most ${high}${unit}`;
  return "";
}

function optionList(field: ElicitationField): string {
  return truncate(field.options.map((option) => option.label).join(", "), 600);
}

/** What kind of answer the field takes, in Threadwork's words. */
function expected(field: ElicitationField): string {
  switch (field.type) {
    case "boolean":
      return "Answer Yes or No.";
    case "choice":
      return optionsAreButtons(field) ? "Pick one of the options." : `Type one of: ${optionList(field)}.`;
    case "choices":
      return `Type one or more of these, separated by commas: ${optionList(field)}.`;
    case "number":
      return `Answer with a number${range(field.minimum, field.maximum)}.`;
    case "integer":
      return `Answer with a whole number${range(field.minimum, field.maximum)}.`;
    case "string": {
      const format = field.format ? ` (${visibleText(truncate(oneLine(field.format), 30)).text})` : "";
      return `Answer with text${format}${range(field.minLength, field.maxLength, " characters")}.`;
    }
  }
}

/**
 * The question for one field of a form. `retry` is why the previous answer was refused.
 * The server's message, the field's title and description go in the fence.
 */
export function fieldQuestion(options: {
  server: string;
  message: string;
  field: ElicitationField;
  position: { index: number; count: number };
  retry?: string;
}): ElicitationQuestion {
  const { server, message, field, position, retry } = options;
  const described = field.description ? `${field.title}: ${field.description}` : field.title;
  const label = field.defaultText === undefined ? described : `${described}\nDefault: ${field.defaultText}`;
  const fieldText = position.count > 1 || field.type !== "boolean" ? `\n\n${label}` : "";
  const numbered = position.count > 1 ? ` (question ${position.index + 1} of ${position.count})` : "";
  const skip = field.required ? "" : " Skip leaves it out.";
  const lines = [
    ...(retry ? [`That answer was not accepted: ${truncate(retry, 700)}. Please answer again.`] : []),
    heading(server, `asks for input${numbered}`),
    fenced(`${truncate(message.trim(), 1200)}${fieldText}`, 1700),
    `${expected(field)}${skip} ${declineChoice} sends no answer to the server.`,
  ];
  return { prompt: lines.join("\n"), choices: fieldChoices(field) };
}

/** A form without fields: the server only wants a go-ahead. */
export function confirmQuestion(server: string, message: string): ElicitationQuestion {
  return {
    prompt: [
      heading(server, "asks for a go-ahead"),
      fenced(message, 1200),
      `${doneChoice} accepts; ${declineChoice} sends no answer to the server.`,
    ].join("\n"),
    choices: [doneChoice, declineChoice],
  };
}

/** A URL elicitation: the link on its own button, its host named outside the fence. */
export function linkQuestion(server: string, message: string, link: QuestionLink): ElicitationQuestion {
  return {
    prompt: [
      heading(server, `asks you to open a link on ${link.host}`),
      fenced(message, 1200),
      `Link: ${truncate(displayUrl(link.url), 400)} (host: ${link.host})`,
      `Press ${doneChoice} once you have finished there, or ${declineChoice}.`,
    ].join("\n"),
    choices: [doneChoice, declineChoice],
    link,
  };
}
