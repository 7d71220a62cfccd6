import { redactSecretsAndValues } from "../../domain/secret-redaction.ts";
import type { Logger } from "../../logger.ts";

/** What one server start logs of its stderr at most; the rest is counted, not kept. */
const loggedBytesLimit = 16 * 1024;
const lastLineLimit = 300;

export interface ServerStderr {
  write(chunk: Buffer): void;
  /** The last non-empty line, redacted and shortened, to explain a failed start. */
  lastLine(): string | undefined;
}

/** Logs a server's stderr at debug, line by line, redacted, up to a limit per start. */
export function serverStderr(options: {
  logger: Logger;
  server: string;
  secrets: readonly string[];
}): ServerStderr {
  let logged = 0;
  let dropped = 0;
  let pending = "";
  let last: string | undefined;
  const emit = (line: string) => {
    if (line.trim() === "") return;
    const text = redactSecretsAndValues(line, options.secrets);
    last = text.length > lastLineLimit ? `${text.slice(0, lastLineLimit)}…` : text;
    if (logged >= loggedBytesLimit) {
      if (dropped === 0)
        options.logger.debug(
          { mcpServer: options.server },
          "MCP server stderr: limit reached, the rest is not logged",
        );
      dropped += line.length;
      return;
    }
    logged += line.length;
    options.logger.debug({ stderr: text }, "MCP server stderr");
  };
  return {
    write(chunk) {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      // A line without an end is held only up to the limit.
      if (pending.length > lastLineLimit * 4) {
        lines.push(pending);
        pending = "";
      }
      for (const line of lines) emit(line);
    },
    lastLine() {
      if (pending.trim() !== "") {
        emit(pending);
        pending = "";
      }
      return last;
    },
  };
}
