import { clearScreenDown, createInterface, cursorTo, moveCursor } from "node:readline";
import type { Readable, Writable } from "node:stream";

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

const promptLabel = "you › ";
const spinnerFrames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

const style = (code: string, text: string) => `\u001b[${code}m${text}\u001b[0m`;

export function createTerminalScreen(options: {
  input: Readable;
  output: Writable;
  interactive: boolean;
}): TerminalScreen {
  return options.interactive ? interactiveScreen(options.input, options.output) : plainScreen(options);
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

function interactiveScreen(input: Readable, output: Writable): TerminalScreen {
  const prompt = style("1;36", promptLabel);
  const reader = createInterface({ input, output, terminal: true, prompt, historySize: 200 });
  const typed = reader[Symbol.asyncIterator]();
  let activity: string | undefined;
  let frame = 0;
  let spinner: NodeJS.Timeout | undefined;
  let closed = false;

  function drawPrompt(): void {
    if (closed) return;
    const status = activity === undefined ? "" : `${style("2", `${spinnerFrames[frame]} ${activity}`)}  `;
    reader.setPrompt(`${status}${prompt}`);
    // Redraws the prompt and the text typed so far, the cursor where it was.
    reader.prompt(true);
  }

  /** Clears the prompt (however many rows the typed text takes) so output can go there. */
  function clearPrompt(): void {
    moveCursor(output, 0, -reader.getCursorPos().rows);
    cursorTo(output, 0);
    clearScreenDown(output);
    // The prompt is gone: readline must not move up over the rows written next.
    Reflect.set(reader, "prevRows", 0);
  }

  // Readline leaves a submitted line on screen as it was drawn, spinner and all: it is written
  // again without the spinner, so what was typed never reads "⠙ thinking  you › …".
  reader.on("line", (text: string) => {
    if (closed || activity === undefined) return;
    const columns = (output as Writable & { columns?: number }).columns ?? 80;
    const drawnWidth = `${spinnerFrames[frame]} ${activity}  ${promptLabel}${text}`.length;
    moveCursor(output, 0, -Math.max(1, Math.ceil(drawnWidth / columns)));
    cursorTo(output, 0);
    clearScreenDown(output);
    output.write(`${prompt}${text}\n`);
  });

  return {
    print(text) {
      if (closed) {
        output.write(`${text}\n`);
        return;
      }
      clearPrompt();
      output.write(`${text}\n`);
      drawPrompt();
    },
    setActivity(text) {
      if (text === activity) return;
      activity = text;
      if (text !== undefined && spinner === undefined) {
        spinner = setInterval(() => {
          frame = (frame + 1) % spinnerFrames.length;
          drawPrompt();
        }, 100);
        spinner.unref();
      } else if (text === undefined && spinner !== undefined) {
        clearInterval(spinner);
        spinner = undefined;
      }
      drawPrompt();
    },
    columns: () => (output as Writable & { columns?: number }).columns ?? 80,
    async *lines() {
      drawPrompt();
      for await (const line of { [Symbol.asyncIterator]: () => typed }) {
        yield line;
        drawPrompt();
      }
    },
    onInterrupt(handler) {
      reader.on("SIGINT", handler);
    },
    close() {
      if (closed) return;
      clearPrompt();
      closed = true;
      if (spinner !== undefined) clearInterval(spinner);
      reader.close();
    },
  };
}

/** Speaker labels, styled on a terminal. */
export function speakerLabel(name: string, interactive: boolean): string {
  const text = `${name} › `;
  return interactive ? style("1;32", text) : text;
}
