import { createInterface } from "node:readline";
import { type Readable, Writable } from "node:stream";
import { SetupError } from "./setup-error.ts";

export interface LinePrompt {
  /**
   * Prints `question` and reads one line; undefined once the input has ended. Typing is not echoed.
   * Ctrl-C at a terminal throws a `SetupError` coded `setup_interrupted`.
   */
  ask(question: string): Promise<string | undefined>;
  close(): void;
}

/**
 * Reads answers line by line from `input` (a terminal or a pipe). On a terminal what is typed goes
 * to a stream that drops it, so a pasted token never shows on the screen.
 */
export function createLinePrompt(input: Readable & { isTTY?: boolean }, output: Writable): LinePrompt {
  const terminal = input.isTTY === true;
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const reader = createInterface({
    input,
    ...(terminal ? { output: silent, terminal: true } : { terminal: false }),
  });
  const lines = reader[Symbol.asyncIterator]();
  let interrupted = false;
  // In raw mode Ctrl-C reaches readline, not the process: without this it would only pause the input.
  reader.on("SIGINT", () => {
    interrupted = true;
    reader.close();
  });
  return {
    async ask(question) {
      output.write(question);
      const next = await lines.next();
      if (interrupted) {
        output.write("\n");
        throw new SetupError("setup_interrupted", "Stopped (Ctrl-C) before .env was written");
      }
      output.write(terminal ? " (received)\n" : "\n");
      return next.done ? undefined : String(next.value).trim();
    },
    close: () => reader.close(),
  };
}
