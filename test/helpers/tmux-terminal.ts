import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { sleep } from "./sleep.ts";
import { scaled } from "./time-scale.ts";

const run = promisify(execFile);

/**
 * A real pseudo-terminal driven through tmux: a program started in it sees a TTY on stdin and
 * stdout, keys are typed into it, and the screen is read back as a person would see it (after
 * the terminal has applied every cursor movement). Each terminal has its own tmux server.
 */
export class TmuxTerminal {
  readonly #socket: string;
  readonly #directory: string;
  readonly #statusFile: string;

  private constructor(directory: string) {
    this.#directory = directory;
    this.#socket = path.join(directory, "tmux.sock");
    this.#statusFile = path.join(directory, "exit-status");
  }

  /** Runs `command` with exactly `environment` in a `columns` × `rows` terminal. */
  static async start(options: {
    command: string[];
    cwd: string;
    environment: Record<string, string>;
    columns?: number;
    rows?: number;
  }): Promise<TmuxTerminal> {
    const directory = await mkdtemp(path.join(tmpdir(), "threadwork-tmux-"));
    const terminal = new TmuxTerminal(directory);
    const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
    const script = path.join(directory, "run.sh");
    const assignments = Object.entries(environment(options.environment)).map(
      ([name, value]) => `${name}=${quote(value)}`,
    );
    // The shell stays to write down how the program ended (128 + n for signal n).
    await writeFile(
      script,
      `#!/bin/sh\ncd ${quote(options.cwd)} || exit 1\nenv -i ${assignments.join(" ")} ${options.command.map(quote).join(" ")}\necho $? > ${quote(terminal.#statusFile)}\n`,
    );
    await chmod(script, 0o755);
    // The pane stays after the program exits, so its last screen can be read.
    const configuration = path.join(directory, "tmux.conf");
    await writeFile(configuration, "set-option -g remain-on-exit on\nset-option -g status off\n");
    await terminal.#tmux(
      "-f",
      configuration,
      "new-session",
      "-d",
      "-x",
      String(options.columns ?? 100),
      "-y",
      String(options.rows ?? 30),
      script,
    );
    return terminal;
  }

  async #tmux(...args: string[]): Promise<string> {
    const { stdout } = await run("tmux", ["-S", this.#socket, ...args]);
    return stdout;
  }

  /** The visible screen as text (tmux drops trailing spaces), trailing blank lines removed. */
  async screen(): Promise<string> {
    return (await this.#tmux("capture-pane", "-p")).replace(/\s+$/, "");
  }

  /** Types text literally, as keystrokes. */
  async type(text: string): Promise<void> {
    await this.#tmux("send-keys", "-l", text);
  }

  /** Presses a key by tmux name: `Enter`, `C-c`, `C-u`. */
  async press(key: string): Promise<void> {
    await this.#tmux("send-keys", key);
  }

  /** The program's exit status once it has exited (128 + n when signal n ended it), else undefined. */
  async exitStatus(): Promise<number | undefined> {
    const text = await readFile(this.#statusFile, "utf8").catch(() => "");
    return text.trim() === "" ? undefined : Number(text.trim());
  }

  async waitForScreen(
    condition: (screen: string) => boolean,
    options: { timeoutMs?: number; what?: string } = {},
  ): Promise<string> {
    const deadline = Date.now() + scaled(options.timeoutMs ?? 20_000);
    for (;;) {
      const screen = await this.screen();
      if (condition(screen)) return screen;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${options.what ?? "the screen"}; the screen shows:\n${screen}`,
        );
      }
      await sleep(50);
    }
  }

  async waitForExit(timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + scaled(timeoutMs);
    for (;;) {
      const status = await this.exitStatus();
      if (status !== undefined) return status;
      if (Date.now() > deadline) throw new Error(`still running; the screen shows:\n${await this.screen()}`);
      await sleep(50);
    }
  }

  async close(): Promise<void> {
    await this.#tmux("kill-server").catch(() => undefined);
    await rm(this.#directory, { recursive: true, force: true });
  }
}

/** A terminal's environment: what the test gives, plus what a terminal program expects. */
function environment(given: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", TERM: "xterm-256color", LANG: "C.UTF-8", ...given };
}
