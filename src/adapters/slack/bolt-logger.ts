import type { Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../../logger.ts";

function messageOf(values: unknown[]): string {
  return values.map((value) => (value instanceof Error ? value.message : String(value))).join(" ");
}

/** Bolt and the WebClient log through this, so their lines get our redaction and level. */
export function toBoltLogger(logger: Logger): BoltLogger {
  let level = "info" as LogLevel;
  let name = "slack";
  return {
    debug: (...values: unknown[]) => logger.debug({ component: name }, messageOf(values)),
    info: (...values: unknown[]) => logger.debug({ component: name }, messageOf(values)),
    warn: (...values: unknown[]) => logger.warn({ component: name }, messageOf(values)),
    error: (...values: unknown[]) => logger.error({ component: name }, messageOf(values)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
    },
  };
}
