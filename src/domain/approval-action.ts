import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * What an approval request asks a human to allow: the tool, its exact input, and where it
 * runs. `inputHash` binds the decision to that input: the approved call runs only if its
 * input still hashes the same. Written by the runtime, read by every surface.
 */
const approvalActionSchema = z.object({
  tool: z.string(),
  input: z.record(z.string(), z.unknown()),
  description: z.string(),
  repo: z.string().nullable(),
  branch: z.string().nullable(),
  inputHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** False when the tool asks a human every time, so "Always allow" is not offered. */
  allowAlways: z.boolean().optional(),
});

export type ApprovalAction = z.infer<typeof approvalActionSchema>;

/** The action stored on a request, or undefined when it is not one this version wrote. */
export function parseApprovalAction(value: unknown): ApprovalAction | undefined {
  const parsed = approvalActionSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** JSON with object keys sorted at every level, so equal inputs give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** sha256 of the tool name and canonical input: what an approval is bound to. */
export function actionHash(tool: string, input: unknown): string {
  return createHash("sha256")
    .update(`${tool}\u0000${canonicalJson(input)}`)
    .digest("hex");
}

export function buildApprovalAction(options: {
  tool: string;
  input: Record<string, unknown>;
  description: string;
  repo: string | null;
  branch: string | null;
  allowAlways?: boolean;
}): ApprovalAction {
  return { ...options, inputHash: actionHash(options.tool, options.input) };
}

/**
 * The exact text that will run, as the approver must see it: a command on its own, any
 * other input as canonical JSON. `rest` is the input besides the command (e.g. a timeout).
 */
export function exactActionText(action: ApprovalAction): { main: string; rest: string | undefined } {
  const { command, ...others } = action.input;
  if (typeof command === "string") {
    return { main: command, rest: Object.keys(others).length > 0 ? canonicalJson(others) : undefined };
  }
  return { main: JSON.stringify(JSON.parse(canonicalJson(action.input)), null, 2), rest: undefined };
}

/**
 * Characters a reader cannot see or tell apart from a space or a line break: controls,
 * zero-width and direction-changing characters, blank-looking fillers, variation selectors,
 * line and paragraph separators, and Unicode tag characters (text that only models read).
 */
const invisibleCharacters =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters made visible.
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: each character is matched on its own, on purpose.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;

/** What the approver reads: every character, invisible ones written out as `⟦U+XXXX⟧`. */
export function visibleText(text: string): { text: string; marked: boolean } {
  let marked = false;
  const visible = text.replace(invisibleCharacters, (character) => {
    marked = true;
    return `⟦U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}⟧`;
  });
  return { text: visible, marked };
}
