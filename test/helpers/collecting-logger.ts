import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/logger.ts";

/** A real logger at `info` whose JSON lines land in `lines`, for tests that read what was logged. */
export function collectingLogger(
  lines: string[] = [],
  environment: "test" | "production" = "test",
): { logger: Logger; lines: string[] } {
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: "info", environment, destination }), lines };
}
