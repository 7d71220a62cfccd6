/**
 * Keeps the first and the last bytes of a stream and counts the rest, so a noisy
 * command cannot fill memory while its start (the command's own report) and its end
 * (the failure) both survive.
 */
export class OutputCapture {
  readonly #limit: number;
  readonly #head: Buffer[] = [];
  #headBytes = 0;
  #tail: Buffer[] = [];
  #tailBytes = 0;
  #totalBytes = 0;

  constructor(limitBytes: number) {
    this.#limit = limitBytes;
  }

  get totalBytes(): number {
    return this.#totalBytes;
  }

  append(chunk: Buffer): void {
    this.#totalBytes += chunk.length;
    const headLimit = Math.ceil(this.#limit / 2);
    let rest = chunk;
    if (this.#headBytes < headLimit) {
      const taken = rest.subarray(0, headLimit - this.#headBytes);
      this.#head.push(taken);
      this.#headBytes += taken.length;
      rest = rest.subarray(taken.length);
    }
    if (rest.length === 0) return;
    this.#tail.push(rest);
    this.#tailBytes += rest.length;
    const tailLimit = this.#limit - headLimit;
    while (this.#tailBytes > tailLimit && this.#tail.length > 0) {
      const first = this.#tail[0] as Buffer;
      const excess = this.#tailBytes - tailLimit;
      if (first.length <= excess) {
        this.#tail.shift();
        this.#tailBytes -= first.length;
      } else {
        this.#tail[0] = first.subarray(excess);
        this.#tailBytes -= excess;
      }
    }
  }

  /** The kept text; a marker line says how much was left out in the middle. */
  text(): string {
    const head = Buffer.concat(this.#head).toString("utf8");
    const tail = Buffer.concat(this.#tail).toString("utf8");
    const omitted = this.#totalBytes - this.#headBytes - this.#tailBytes;
    if (omitted <= 0) return head + tail;
    return `${head}\n[... ${omitted} bytes omitted ...]\n${tail}`;
  }
}
