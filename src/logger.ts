import { createRequire } from "node:module";
import { type DestinationStream, type Level, type Logger, pino } from "pino";

export type { Logger } from "pino";

export type LogLevel = Level | "silent";

export interface LoggerOptions {
  level: LogLevel;
  environment: "production" | "development" | "test";
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was written. */
  destination?: DestinationStream;
}

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

/** Replaces every secret-shaped substring with `[REDACTED]`. For logs, transcripts and prompts. */
export function redactSecrets(text: string): string {
  let result = text;
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

/** The last line of defence: whatever slipped through structured redaction is caught as text. */
function redactingStream(target: DestinationStream): DestinationStream {
  return { write: (line: string) => target.write(redactSecrets(line)) };
}

function prettyStream(target: DestinationStream | undefined): DestinationStream | undefined {
  try {
    // pino-pretty is a devDependency: a production install runs without it and logs JSON.
    const require = createRequire(import.meta.url);
    const pretty = require("pino-pretty") as (options: Record<string, unknown>) => DestinationStream;
    return pretty({ colorize: target === undefined, sync: true, destination: target ?? 1 });
  } catch {
    return undefined;
  }
}

/** JSON lines in production, pretty lines in development; secrets never reach the output. */
export function createLogger(options: LoggerOptions): Logger {
  const target =
    options.environment === "development"
      ? (prettyStream(options.destination) ?? options.destination)
      : options.destination;
  const destination = redactingStream(target ?? pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: options.level,
      formatters: {
        log: (object) => redactValue(object) as Record<string, unknown>,
        bindings: (bindings) => redactValue(bindings) as Record<string, unknown>,
      },
    },
    destination,
  );
}

/** A logger that writes nothing, for tests and tools. */
export function createSilentLogger(): Logger {
  return pino({ level: "silent" });
}
