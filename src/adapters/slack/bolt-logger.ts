import type { Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../../logger.ts";

/** An error's own words; an error with none (undici's WebSocket errors) is named by its code, name or cause. */
export function describeError(error: Error): string {
  if (error.message) return error.message;
  const code = (error as { code?: unknown }).code;
  if (error.cause instanceof Error && error.cause.message) return error.cause.message;
  return typeof code === "string" ? code : error.name;
}

function messageOf(values: unknown[]): string {
  return values.map((value) => (value instanceof Error ? describeError(value) : String(value))).join(" ");
}

/**
 * Socket Mode SDK lines that carry no message of their own ("WebSocket error occurred: ",
 * "WebSocket error! SMWebsocketError"). `SocketModeConnection` reports the same failure
 * once, with a reason, so these go to debug.
 */
const reportedBySocketModeConnection = [/^WebSocket error occurred: /, /^WebSocket error! /];

/** Bolt and the WebClient log through this, so their lines get our redaction and level. */
export function toBoltLogger(logger: Logger): BoltLogger {
  let level = "info" as LogLevel;
  let name = "slack";
  return {
    debug: (...values: unknown[]) => logger.debug({ component: name }, messageOf(values)),
    info: (...values: unknown[]) => logger.debug({ component: name }, messageOf(values)),
    warn: (...values: unknown[]) => logger.warn({ component: name }, messageOf(values)),
    error: (...values: unknown[]) => {
      const message = messageOf(values);
      if (reportedBySocketModeConnection.some((pattern) => pattern.test(message))) {
        logger.debug({ component: name }, message);
      } else {
        logger.error({ component: name }, message);
      }
    },
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
    },
  };
}
