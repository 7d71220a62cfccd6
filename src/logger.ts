import { createRequire } from "node:module";
import { type DestinationStream, type Level, type Logger, pino } from "pino";

import { redactSecrets, redactValue } from "./domain/secret-redaction.ts";

export type { Logger } from "pino";
export { isSensitiveKey, redactedText, redactSecrets, redactValue } from "./domain/secret-redaction.ts";

type LogLevel = Level | "silent";

interface LoggerOptions {
  level: LogLevel;
  environment: "production" | "development" | "test";
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was written. */
  destination?: DestinationStream;
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
