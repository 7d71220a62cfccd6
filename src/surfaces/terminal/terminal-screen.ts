import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { InteractiveScreen, style } from "./interactive-screen.ts";

/**
 * The terminal as the chat uses it. On a real terminal the prompt stays on the last line:
 * every line of output is written above it and the prompt is drawn again with whatever was
 * typed so far, so typing never mixes with a reply that is still arriving. Elsewhere (a pipe,
 * a test) lines are written as they come and nothing is drawn.
 */
export interface TerminalScreen {
  /** Writes whole lines above the prompt. */
  print(text: string): void;
  /** What the spinner beside the prompt says ("thinking"), or undefined for no spinner. */
  setActivity(text: string | undefined): void;
  /** Columns a line may use before the terminal wraps it; Infinity off a terminal. */
  columns(): number;
  /** Typed lines, until `close()` or the end of input. */
  lines(): AsyncIterable<string>;
  /** Ctrl-C on a terminal (which, in raw mode, is a keypress rather than a signal). */
  onInterrupt(handler: () => void): void;
  close(): void;
}

export function createTerminalScreen(options: {
  input: Readable;
  output: Writable;
  interactive: boolean;
}): TerminalScreen {
  return options.interactive ? new InteractiveScreen(options.input, options.output) : plainScreen(options);
}

function plainScreen(options: { input: Readable; output: Writable }): TerminalScreen {
  const reader = createInterface({ input: options.input, terminal: false });
  // Iterated from the start: lines typed before anyone reads them are kept, not dropped.
  const typed = reader[Symbol.asyncIterator]();
  return {
    print: (text) => options.output.write(`${text}\n`),
    setActivity: () => undefined,
    columns: () => Number.POSITIVE_INFINITY,
    lines: () => ({ [Symbol.asyncIterator]: () => typed }),
    onInterrupt: () => undefined,
    close: () => reader.close(),
  };
}

/** Speaker labels, styled on a terminal. */
export function speakerLabel(name: string, interactive: boolean): string {
  const text = `${name} › `;
  return interactive ? style("1;32", text) : text;
}
