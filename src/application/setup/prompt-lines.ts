import { createInterface } from "node:readline";
import { type Readable, Writable } from "node:stream";

export interface LinePrompt {
  /** Prints `question` and reads one line; undefined once the input has ended. Typing is not echoed. */
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
  return {
    async ask(question) {
      output.write(question);
      const next = await lines.next();
      output.write(terminal ? " (received)\n" : "\n");
      return next.done ? undefined : String(next.value).trim();
    },
    close: () => reader.close(),
  };
}
