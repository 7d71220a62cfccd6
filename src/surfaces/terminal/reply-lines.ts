/**
 * Turns a streamed reply into whole lines: the first carries the speaker's label, the rest
 * are indented under it. A line is written as soon as it is complete, or as soon as it is
 * as wide as the screen (broken at a space), so a long paragraph still streams.
 */
export class ReplyLines {
  readonly #print: (line: string) => void;
  readonly #label: string;
  readonly #labelWidth: number;
  readonly #columns: () => number;
  #turnId: string | undefined;
  #partial = "";
  #started = false;
  /** The last line written was cut mid-line: the space it was cut at does not start the next. */
  #cut = false;

  constructor(options: {
    print: (line: string) => void;
    label: string;
    labelWidth: number;
    columns: () => number;
  }) {
    this.#print = options.print;
    this.#label = options.label;
    this.#labelWidth = options.labelWidth;
    this.#columns = options.columns;
  }

  delta(turnId: string, text: string): void {
    if (turnId !== this.#turnId) {
      this.flush();
      this.#turnId = turnId;
      this.#started = false;
      this.#cut = false;
    }
    const added = this.#cut && this.#partial === "" ? text.trimStart() : text;
    if (added === "") return;
    this.#cut = false;
    this.#partial += added;
    let newline = this.#partial.indexOf("\n");
    while (newline !== -1) {
      this.#line(this.#partial.slice(0, newline));
      this.#partial = this.#partial.slice(newline + 1);
      newline = this.#partial.indexOf("\n");
    }
    const room = this.#columns() - this.#labelWidth - 1;
    while (this.#partial.length > room) {
      const space = this.#partial.lastIndexOf(" ", room);
      const cut = space > 0 ? space : room;
      this.#line(this.#partial.slice(0, cut));
      this.#partial = this.#partial.slice(cut).trimStart();
      this.#cut = this.#partial === "";
    }
  }

  /** The reply is complete: the rest of it, or all of it when nothing was streamed. */
  completed(turnId: string, text: string): void {
    if (turnId !== this.#turnId) this.delta(turnId, text);
    this.flush();
    this.#turnId = undefined;
  }

  /** Writes what is pending as a line, e.g. before another line must be printed. */
  flush(): void {
    if (this.#partial === "") return;
    this.#line(this.#partial);
    this.#partial = "";
    this.#cut = true;
  }

  #line(text: string): void {
    const prefix = this.#started ? " ".repeat(this.#labelWidth) : this.#label;
    this.#started = true;
    this.#print(`${prefix}${text}`.trimEnd());
  }
}
