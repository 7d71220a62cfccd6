import { spawn } from "node:child_process";
import { absoluteSearchPath } from "./find-executable.ts";
import { OutputCapture } from "./output-capture.ts";
import { ProcessGroup } from "./process-group.ts";

export interface RunProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  /** The complete environment of the child; nothing is inherited. Relative PATH entries are dropped. */
  env: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Per stream; head and tail are kept. Unlimited when omitted. */
  maxOutputBytes?: number;
  /** Receives stdout as it arrives instead of the capture (`stdout` is then empty). */
  onStdout?: (chunk: Buffer) => void;
  /** Send stderr into the same capture as stdout, in arrival order. */
  mergeOutput?: boolean;
  input?: string | Buffer;
  /** How long SIGTERM gets before SIGKILL. */
  killGraceMs?: number;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  outputBytes: number;
}

/**
 * Runs a program in its own process group and always reaps the whole group: on
 * timeout or abort (SIGTERM, then SIGKILL), and after the program exits, so background
 * children it left behind do not outlive it.
 */
export function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  const limit = options.maxOutputBytes ?? Number.POSITIVE_INFINITY;
  const stdout = new OutputCapture(limit);
  const stderr = options.mergeOutput ? stdout : new OutputCapture(limit);
  const grace = options.killGraceMs ?? 2000;

  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve(emptyResult(true, performance.now() - started));
      return;
    }
    const env = { ...options.env };
    // The cwd is often a workspace: an empty or relative PATH entry would run its programs.
    if (env.PATH !== undefined) env.PATH = absoluteSearchPath(env.PATH);
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const group = new ProcessGroup(child, {
      graceMs: grace,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });

    const onStdout = options.onStdout;
    child.stdout.on("data", onStdout ?? ((chunk: Buffer) => stdout.append(chunk)));
    child.stderr.on("data", (chunk: Buffer) => stderr.append(chunk));
    child.stdin.on("error", () => {
      // The child may exit without reading its input.
    });
    child.stdin.end(options.input ?? "");

    child.on("error", (error) => {
      group.cleanup();
      reject(error);
    });
    child.on("close", (exitCode, signal) => {
      group.cleanup();
      resolve({
        exitCode,
        signal,
        timedOut: group.timedOut,
        aborted: group.aborted,
        durationMs: performance.now() - started,
        stdout: stdout.text(),
        stderr: options.mergeOutput ? "" : stderr.text(),
        outputBytes: stdout.totalBytes + (options.mergeOutput ? 0 : stderr.totalBytes),
      });
    });
  });
}

function emptyResult(aborted: boolean, durationMs: number): ProcessResult {
  return {
    exitCode: null,
    signal: null,
    timedOut: false,
    aborted,
    durationMs,
    stdout: "",
    stderr: "",
    outputBytes: 0,
  };
}
