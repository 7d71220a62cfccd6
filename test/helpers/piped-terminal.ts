import { PassThrough } from "node:stream";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { createTerminalSurface } from "../../src/surfaces/terminal/terminal-surface.ts";
import { waitUntil } from "./runtime-processes.ts";

/** The terminal chat on in-memory streams: lines typed in, everything it printed read back. */
export function startPipedTerminal(runtime: Runtime, conversationKey: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = "";
  output.on("data", (chunk: Buffer) => {
    printed += chunk.toString();
  });
  const surface = createTerminalSurface({
    runtime,
    input,
    output,
    userId: "me",
    key: { surface: "terminal", conversationKey },
  });
  const running = surface.run();
  return {
    type(line: string): void {
      input.write(`${line}\n`);
    },
    printed: () => printed,
    /** Waits until the terminal has printed `text`. */
    shows: (text: string) => waitUntil(() => printed.includes(text), { message: () => printed }),
    async quit(): Promise<void> {
      input.write("/quit\n");
      await running;
    },
  };
}
