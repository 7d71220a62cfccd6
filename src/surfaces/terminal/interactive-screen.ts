import { clearScreenDown, createInterface, cursorTo, type Interface, moveCursor } from "node:readline";
import type { Readable, Writable } from "node:stream";

const promptLabel = "you › ";
const spinnerFrames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Text in an ANSI style (`1;36` bold cyan, `2` dim). */
export const style = (code: string, text: string) => `\u001b[${code}m${text}\u001b[0m`;

/**
 * The chat's screen on a real terminal: the prompt stays on the last line, every line of output
 * is written above it, and a spinner beside the prompt says what the conversation is busy with.
 */
export class InteractiveScreen {
  readonly #output: Writable;
  readonly #prompt = style("1;36", promptLabel);
  readonly #reader: Interface;
  readonly #typed: AsyncIterator<string>;
  #activity: string | undefined;
  #frame = 0;
  #spinner: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(input: Readable, output: Writable) {
    this.#output = output;
    this.#reader = createInterface({ input, output, terminal: true, prompt: this.#prompt, historySize: 200 });
    this.#typed = this.#reader[Symbol.asyncIterator]();
    this.#reader.on("line", (text: string) => this.#redrawSubmitted(text));
  }

  print(text: string): void {
    if (this.#closed) {
      this.#output.write(`${text}\n`);
      return;
    }
    this.#clearPrompt();
    this.#output.write(`${text}\n`);
    this.#drawPrompt();
  }

  setActivity(text: string | undefined): void {
    if (text === this.#activity) return;
    this.#activity = text;
    if (text !== undefined && this.#spinner === undefined) {
      this.#spinner = setInterval(() => {
        this.#frame = (this.#frame + 1) % spinnerFrames.length;
        this.#drawPrompt();
      }, 100);
      this.#spinner.unref();
    } else if (text === undefined && this.#spinner !== undefined) {
      clearInterval(this.#spinner);
      this.#spinner = undefined;
    }
    this.#drawPrompt();
  }

  columns(): number {
    return (this.#output as Writable & { columns?: number }).columns ?? 80;
  }

  async *lines(): AsyncIterable<string> {
    this.#drawPrompt();
    for await (const line of { [Symbol.asyncIterator]: () => this.#typed }) {
      yield line;
      this.#drawPrompt();
    }
  }

  onInterrupt(handler: () => void): void {
    this.#reader.on("SIGINT", handler);
  }

  close(): void {
    if (this.#closed) return;
    this.#clearPrompt();
    this.#closed = true;
    if (this.#spinner !== undefined) clearInterval(this.#spinner);
    this.#reader.close();
  }

  #drawPrompt(): void {
    if (this.#closed) return;
    const status =
      this.#activity === undefined
        ? ""
        : `${style("2", `${spinnerFrames[this.#frame]} ${this.#activity}`)}  `;
    this.#reader.setPrompt(`${status}${this.#prompt}`);
    // Redraws the prompt and the text typed so far, the cursor where it was.
    this.#reader.prompt(true);
  }

  /** Clears the prompt (however many rows the typed text takes) so output can go there. */
  #clearPrompt(): void {
    moveCursor(this.#output, 0, -this.#reader.getCursorPos().rows);
    cursorTo(this.#output, 0);
    clearScreenDown(this.#output);
    // The prompt is gone: readline must not move up over the rows written next.
    Reflect.set(this.#reader, "prevRows", 0);
  }

  /**
   * Readline leaves a submitted line on screen as it was drawn, spinner and all: it is written
   * again without the spinner, so what was typed never reads "⠙ thinking  you › …".
   */
  #redrawSubmitted(text: string): void {
    if (this.#closed || this.#activity === undefined) return;
    const drawnWidth = `${spinnerFrames[this.#frame]} ${this.#activity}  ${promptLabel}${text}`.length;
    moveCursor(this.#output, 0, -Math.max(1, Math.ceil(drawnWidth / this.columns())));
    cursorTo(this.#output, 0);
    clearScreenDown(this.#output);
    this.#output.write(`${this.#prompt}${text}\n`);
  }
}
