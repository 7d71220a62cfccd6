import { z } from "zod";
import { visibleText } from "./approval-action.ts";
import { oneLine, truncate } from "./text.ts";

/** One field of a server's form, as a person is asked for it. Titles and descriptions are the server's text. */
export interface ElicitationField {
  name: string;
  title: string;
  description: string | undefined;
  required: boolean;
  type: "boolean" | "choice" | "choices" | "string" | "number" | "integer";
  /** For `choice` and `choices`: the value sent back and the label a person sees, labels unique. */
  options: Array<{ value: string; label: string }>;
  format: string | undefined;
  minimum: number | undefined;
  maximum: number | undefined;
  minLength: number | undefined;
  maxLength: number | undefined;
  /** For `choices`: how many may be picked. */
  minItems: number | undefined;
  maxItems: number | undefined;
  /** The server's default, as text (the server's own words, like the title). */
  defaultText: string | undefined;
}

/** How a person's answer reads for one field. */
export type FieldAnswer =
  | { kind: "value"; value: string | number | boolean | string[] }
  | { kind: "skip" }
  | { kind: "decline" }
  | { kind: "invalid"; reason: string };

/** The choices every form question offers besides a field's own. */
export const declineChoice = "Decline";
export const skipChoice = "Skip";
export const yesChoice = "Yes";
export const noChoice = "No";
const reserved = new Set([declineChoice, skipChoice].map((choice) => choice.toLowerCase()));

const optionListSchema = z.array(z.union([z.string(), z.number()]).transform(String)).min(1);
const titledOptionsSchema = z
  .array(
    z.object({ const: z.union([z.string(), z.number()]).transform(String), title: z.string().optional() }),
  )
  .min(1);

const propertySchema = z.looseObject({
  type: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  enum: optionListSchema.optional(),
  enumNames: z.array(z.string()).optional(),
  oneOf: titledOptionsSchema.optional(),
  anyOf: titledOptionsSchema.optional(),
  items: z
    .looseObject({
      enum: optionListSchema.optional(),
      anyOf: titledOptionsSchema.optional(),
      oneOf: titledOptionsSchema.optional(),
    })
    .optional(),
  format: z.string().optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  minLength: z.number().int().nonnegative().optional(),
  maxLength: z.number().int().nonnegative().optional(),
  minItems: z.number().int().nonnegative().optional(),
  maxItems: z.number().int().nonnegative().optional(),
  default: z.unknown().optional(),
});

const formSchema = z.looseObject({
  properties: z.record(z.string(), z.unknown()).default({}),
  required: z.array(z.string()).default([]),
});

/** Labels a person can tell apart and that never read as Decline or Skip. */
function uniqueOptions(options: Array<{ value: string; label: string }>): ElicitationField["options"] {
  const seen = new Set<string>();
  return options.map((option) => {
    const text = option.label.trim() === "" ? option.value : option.label;
    let label = truncate(visibleText(oneLine(text)).text.trim(), 70);
    if (reserved.has(label.toLowerCase())) label = `${label} (option)`;
    for (let index = 2; seen.has(label.toLowerCase()); index += 1)
      label = `${truncate(label, 64)} (${index})`;
    seen.add(label.toLowerCase());
    return { value: option.value, label };
  });
}

function optionsOf(
  property: z.infer<typeof propertySchema> | NonNullable<z.infer<typeof propertySchema>["items"]>,
): ElicitationField["options"] | undefined {
  const titled = property.oneOf ?? property.anyOf;
  if (titled)
    return uniqueOptions(titled.map((item) => ({ value: item.const, label: item.title ?? item.const })));
  if (!property.enum) return undefined;
  const names = "enumNames" in property && Array.isArray(property.enumNames) ? property.enumNames : [];
  return uniqueOptions(
    property.enum.map((value, index) => ({ value, label: String(names[index] ?? value) })),
  );
}

function fieldType(property: z.infer<typeof propertySchema>): ElicitationField["type"] | undefined {
  if (property.type === "array") return property.items && optionsOf(property.items) ? "choices" : undefined;
  if (optionsOf(property)) return "choice";
  if (property.type === "boolean" || property.type === "number" || property.type === "integer") {
    return property.type;
  }
  return property.type === "string" || property.type === undefined ? "string" : undefined;
}

function defaultText(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(", ");
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

/**
 * The fields of a form's flat `requestedSchema`, in the server's order, or why it cannot be asked
 * (a nested or unknown type). The text in them is the server's: callers show it as such.
 */
export function elicitationFields(schema: Record<string, unknown>): ElicitationField[] | { error: string } {
  const form = formSchema.safeParse(schema);
  if (!form.success) return { error: "the requested schema is not an object schema" };
  const fields: ElicitationField[] = [];
  for (const [name, raw] of Object.entries(form.data.properties)) {
    const property = propertySchema.safeParse(raw);
    const type = property.success ? fieldType(property.data) : undefined;
    if (!property.success || !type)
      return { error: `the field "${truncate(name, 60)}" has a type we cannot ask` };
    const data = property.data;
    fields.push({
      name,
      title: truncate(data.title ?? name, 100),
      description: data.description === undefined ? undefined : truncate(data.description, 300),
      required: form.data.required.includes(name),
      type,
      options: (type === "choices" ? data.items && optionsOf(data.items) : optionsOf(data)) ?? [],
      format: data.format,
      minimum: data.minimum,
      maximum: data.maximum,
      minLength: data.minLength,
      maxLength: data.maxLength,
      minItems: data.minItems,
      maxItems: data.maxItems,
      defaultText: data.default === undefined ? undefined : truncate(oneLine(defaultText(data.default)), 100),
    });
  }
  return fields;
}

/** More options than this are typed, not buttons: a message holds a few buttons well. */
const maximumOptionButtons = 15;

/** Whether a one-of field's options are buttons; too many are typed instead. */
export function optionsAreButtons(field: ElicitationField): boolean {
  return field.type === "choice" && field.options.length <= maximumOptionButtons;
}

/** The buttons of a field's question: its options (or Yes/No), Skip when optional, then Decline. */
export function fieldChoices(field: ElicitationField): string[] {
  const own =
    field.type === "boolean"
      ? [yesChoice, noChoice]
      : optionsAreButtons(field)
        ? field.options.map((option) => option.label)
        : [];
  return [...own, ...(field.required ? [] : [skipChoice]), declineChoice];
}

function findOption(field: ElicitationField, text: string): string | undefined {
  const wanted = text.trim().toLowerCase();
  return field.options.find(
    (option) => option.label.toLowerCase() === wanted || option.value.toLowerCase() === wanted,
  )?.value;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

function formatProblem(format: string | undefined, text: string): string | undefined {
  if (format === "email" && !emailPattern.test(text)) return "it must be an email address";
  if (format === "uri" && !URL.canParse(text)) return "it must be a URL";
  if (format === "date" && !(datePattern.test(text) && !Number.isNaN(Date.parse(text)))) {
    return "it must be a date like 2026-12-31";
  }
  if (format === "date-time" && Number.isNaN(Date.parse(text))) return "it must be a date and time";
  return undefined;
}

function readNumber(field: ElicitationField, text: string): FieldAnswer {
  const value = text.trim() === "" ? Number.NaN : Number(text.trim());
  if (!Number.isFinite(value)) return { kind: "invalid", reason: "it must be a number" };
  if (field.type === "integer" && !Number.isInteger(value)) {
    return { kind: "invalid", reason: "it must be a whole number" };
  }
  if (field.minimum !== undefined && value < field.minimum) {
    return { kind: "invalid", reason: `it must be at least ${field.minimum}` };
  }
  if (field.maximum !== undefined && value > field.maximum) {
    return { kind: "invalid", reason: `it must be at most ${field.maximum}` };
  }
  return { kind: "value", value };
}

function readText(field: ElicitationField, text: string): FieldAnswer {
  const value = text.trim();
  if (field.minLength !== undefined && value.length < field.minLength) {
    return { kind: "invalid", reason: `it must be at least ${field.minLength} characters long` };
  }
  if (field.maxLength !== undefined && value.length > field.maxLength) {
    return { kind: "invalid", reason: `it must be at most ${field.maxLength} characters long` };
  }
  const problem = formatProblem(field.format, value);
  return problem ? { kind: "invalid", reason: problem } : { kind: "value", value };
}

/** A person's answer (a button's label or typed text) as this field's value, or why it is not one. */
export function readFieldAnswer(field: ElicitationField, answer: string): FieldAnswer {
  const text = answer.trim();
  if (text === declineChoice) return { kind: "decline" };
  if (text === skipChoice && !field.required) return { kind: "skip" };
  switch (field.type) {
    case "boolean": {
      const lower = text.toLowerCase();
      if (["yes", "true", "y"].includes(lower)) return { kind: "value", value: true };
      if (["no", "false", "n"].includes(lower)) return { kind: "value", value: false };
      return { kind: "invalid", reason: "answer Yes or No" };
    }
    case "choice": {
      const value = findOption(field, text);
      if (value !== undefined) return { kind: "value", value };
      return {
        kind: "invalid",
        reason: `it must be one of: ${field.options.map((option) => option.label).join(", ")}`,
      };
    }
    case "choices": {
      const parts = text
        .split(",")
        .map((part) => part.trim())
        .filter((part) => part !== "");
      const values = parts.map((part) => findOption(field, part));
      const unknown = parts.filter((_part, index) => values[index] === undefined);
      if (unknown.length > 0 || parts.length === 0) {
        return {
          kind: "invalid",
          reason: `list options separated by commas, from: ${field.options.map((option) => option.label).join(", ")}`,
        };
      }
      const picked = [...new Set(values as string[])];
      if (field.minItems !== undefined && picked.length < field.minItems) {
        return { kind: "invalid", reason: `pick at least ${field.minItems}` };
      }
      if (field.maxItems !== undefined && picked.length > field.maxItems) {
        return { kind: "invalid", reason: `pick at most ${field.maxItems}` };
      }
      return { kind: "value", value: picked };
    }
    case "number":
    case "integer":
      return readNumber(field, text);
    case "string":
      return readText(field, text);
  }
}
