import type { ChildProcess } from "node:child_process";

interface ProcessGroupOptions {
  /** How long SIGTERM gets before SIGKILL, and the pipes after the program exits. */
  graceMs: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * The process group of a child started `detached`: ended on timeout or abort (SIGTERM, then
 * SIGKILL after the grace), and killed once the program exits so background children it left
 * behind do not outlive it.
 */
export class ProcessGroup {
  timedOut = false;
  aborted = false;
  readonly #child: ChildProcess;
  readonly #options: ProcessGroupOptions;
  readonly #timeout: NodeJS.Timeout | undefined;
  readonly #onAbort = () => {
    this.aborted = true;
    this.#terminate();
  };
  #killTimer: NodeJS.Timeout | undefined;
  #closeTimer: NodeJS.Timeout | undefined;

  constructor(child: ChildProcess, options: ProcessGroupOptions) {
    this.#child = child;
    this.#options = options;
    this.#timeout =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            this.timedOut = true;
            this.#terminate();
          }, options.timeoutMs);
    options.signal?.addEventListener("abort", this.#onAbort, { once: true });
    // Leftover background children keep the pipes open: reap them once the program exits.
    // A child that left our group (setsid) could still hold them: stop waiting after the grace.
    child.on("exit", () => {
      this.#kill("SIGKILL");
      this.#closeTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, options.graceMs);
    });
  }

  /** Clears the timers and the abort listener once the child is done. */
  cleanup(): void {
    if (this.#timeout) clearTimeout(this.#timeout);
    if (this.#killTimer) clearTimeout(this.#killTimer);
    if (this.#closeTimer) clearTimeout(this.#closeTimer);
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
  }

  #terminate(): void {
    this.#kill("SIGTERM");
    this.#killTimer ??= setTimeout(() => this.#kill("SIGKILL"), this.#options.graceMs);
  }

  #kill(signal: NodeJS.Signals): void {
    if (this.#child.pid === undefined) return;
    try {
      process.kill(-this.#child.pid, signal);
    } catch {
      // The group is already gone.
    }
  }
}
