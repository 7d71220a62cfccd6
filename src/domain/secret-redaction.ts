import type { ChatMessage } from "./messages.ts";

export const redactedText = "[REDACTED]";

/**
 * Secret shapes: Slack tokens, provider keys, GitHub tokens, bearer credentials and
 * passwords inside URLs. Secrets contain no JSON escape characters, so these also run
 * safely over a finished JSON line.
 */
const secretPatterns: RegExp[] = [
  /\bxox[abposre]-[A-Za-z0-9-]+/g,
  /\bxoxe\.xox[a-z]-[A-Za-z0-9-]+/g,
  /\bxapp-[A-Za-z0-9-]+/g,
  /(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]+/g,
  /(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{3,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{10,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{10,}/g,
];
// Only long credentials: prose such as "Bearer authentication" must survive.
const bearerPattern = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{20,}/gi;
const urlPasswordPattern = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi;

/** Shorter values are not redacted by value: they would blank ordinary words, and guard nothing. */
const minimumSecretValueLength = 8;

/**
 * Values of secrets the operator configured, whatever their shape (the registry tokens of
 * `setup.environment`), longest first. Process-wide on purpose: every place text is redacted
 * (tool results, transcripts, Slack, logs) redacts them, in every session.
 */
let secretValues: string[] = [];

/**
 * The ways a secret value is written down: as it is, as a JSON string spells it (a log line, a
 * stored row), and in base64 at each of the three alignments it can have inside a longer encoded
 * text (`_auth` in `.npmrc`, `auth` in a Docker `config.json`: base64 of `user:token`). Empty for
 * values too short to be redacted.
 */
export function secretValueForms(value: string): string[] {
  if (value.length < minimumSecretValueLength) return [];
  const bytes = Buffer.from(value);
  const forms = new Set([value, JSON.stringify(value).slice(1, -1)]);
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    // Only the characters every encoding of a text holding the value at this alignment shares.
    const start = [0, 2, 3][offset] ?? 0;
    const end = Math.floor((offset + bytes.length) / 3) * 4;
    if (end - start >= minimumSecretValueLength) forms.add(encoded.slice(start, end));
  }
  return [...forms];
}

/** Redacts these values wherever text is redacted, from now on; short ones are ignored. */
export function redactValuesEverywhere(values: Iterable<string>): void {
  const added = new Set(secretValues);
  for (const value of values) for (const form of secretValueForms(value)) added.add(form);
  secretValues = [...added].sort((left, right) => right.length - left.length);
}

/** Replaces every configured secret value and every secret-shaped substring with `[REDACTED]`. For logs, transcripts and prompts. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const value of secretValues) result = result.replaceAll(value, redactedText);
  for (const pattern of secretPatterns) result = result.replace(pattern, redactedText);
  result = result.replace(bearerPattern, `$1 ${redactedText}`);
  return result.replace(urlPasswordPattern, `$1${redactedText}@`);
}

/** Keys whose values are credentials whatever they look like. */
const sensitiveKeyPattern =
  /^(?:.*token|.*secret|.*password|passwd|(?:x[_-])?api[_-]?key|private[_-]?key|secret[_-]?key|access[_-]?key|(?:proxy-)?authorization|cookie|set-cookie)$/i;

export function isSensitiveKey(key: string): boolean {
  return sensitiveKeyPattern.test(key);
}

const maximumDepth = 10;

function serializeError(error: Error): Record<string, unknown> {
  const serialized: Record<string, unknown> = {
    type: error.name,
    message: error.message,
    stack: error.stack,
  };
  for (const [key, value] of Object.entries(error)) serialized[key] = value;
  if (error.cause !== undefined) serialized.cause = error.cause;
  return serialized;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Returns a copy of `value` with sensitive keys and secret-shaped strings redacted. */
export function redactValue(value: unknown, seen = new WeakSet<object>(), depth = 0): unknown {
  if (typeof value === "string") return redactSecrets(value);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[Circular]";
  if (depth > maximumDepth) return "[Truncated]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactValue(item, seen, depth + 1));
    const source = value instanceof Error ? serializeError(value) : value;
    if (!(value instanceof Error) && !isPlainObject(source)) return source;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(source)) {
      copy[key] =
        isSensitiveKey(key) && item !== null && item !== undefined && typeof item !== "object"
          ? redactedText
          : redactValue(item, seen, depth + 1);
    }
    return copy;
  } finally {
    seen.delete(value);
  }
}

/** A copy of plain JSON data with every secret-shaped substring of every string redacted. */
function redactStrings<T>(value: T): T {
  if (typeof value === "string") return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactStrings(item)) as T;
  if (value === null || typeof value !== "object") return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[redactSecrets(key)] = redactStrings(item);
  return copy as T;
}

/**
 * A model message as it is stored: secret-shaped text in its text parts and tool-call
 * inputs redacted, so what is stored, shown, approved and run is one redacted text.
 * Thinking parts stay as they are: the provider verifies them by signature.
 */
export function redactMessage(message: ChatMessage): ChatMessage {
  return {
    ...message,
    parts: message.parts.map((part) => {
      if (part.type === "text") return { ...part, text: redactSecrets(part.text) };
      if (part.type === "tool_call") return { ...part, input: redactStrings(part.input) };
      return part;
    }),
  };
}

/** `redactSecrets`, and also these values in every form they may be written (see `secretValueForms`). */
export function redactSecretsAndValues(text: string, values: readonly string[]): string {
  let result = text;
  const forms = values.flatMap(secretValueForms).sort((left, right) => right.length - left.length);
  for (const form of forms) result = result.replaceAll(form, redactedText);
  return redactSecrets(result);
}
