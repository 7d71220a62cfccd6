import { runProcess } from "../process/run-process.ts";
import { type GitOptions, gitFailure, gitProcess, gitTimeout } from "./git-command.ts";

/** Bounds on one streamed git command; the first one reached stops git. */
export interface RecordLimits {
  /** Records handed to the caller at most; one more stops git. */
  maxRecords: number;
  /** Bytes of output read at most. */
  maxBytes: number;
  timeoutMs: number;
}

/** Why git was stopped before it finished: a limit, or the caller had read enough. */
export type StopReason = "records" | "bytes" | "time" | "caller";

export interface StreamedGit {
  exitCode: number;
  stderr: string;
  /** Records handed to the caller. */
  records: number;
  stopped: StopReason | undefined;
}

/** What git prints on stderr is kept up to this; its stdout is never collected. */
const maxErrorBytes = 64 * 1024;

export interface StreamGitOptions extends Omit<GitOptions, "maxOutputBytes" | "timeoutMs"> {
  /** What ends a record: NUL for `-z` output, else a newline. */
  separator: "\0" | "\n";
  limits: RecordLimits;
  /** Gets each record as it arrives; returning false stops git (reason `caller`). */
  onRecord(record: string): boolean | undefined;
}

/**
 * Runs git and hands its output over one record at a time as it arrives, never holding more
 * than one record: a repository's content (a tree of millions of entries, a huge diff) costs
 * a stopped child, not the service's memory or event loop. Git is killed (its whole process
 * group) at the first limit reached, and the result says which.
 */
export async function streamGitRecords(args: string[], options: StreamGitOptions): Promise<StreamedGit> {
  const { limits } = options;
  const stop = new AbortController();
  const separator = options.separator === "\0" ? 0 : 10;
  let stopped: StopReason | undefined;
  let pending: Buffer[] = [];
  let bytes = 0;
  let records = 0;
  const halt = (reason: StopReason) => {
    stopped ??= reason;
    stop.abort();
  };
  const deliver = (record: Buffer): void => {
    if (records >= limits.maxRecords) halt("records");
    else {
      records += 1;
      if (options.onRecord(record.toString("utf8")) === false) halt("caller");
    }
  };
  const onStdout = (received: Buffer): void => {
    if (stopped) return;
    bytes += received.length;
    const overBy = bytes - limits.maxBytes;
    const chunk = overBy > 0 ? received.subarray(0, received.length - overBy) : received;
    let start = 0;
    for (let end = chunk.indexOf(separator); end >= 0 && !stopped; end = chunk.indexOf(separator, start)) {
      const piece = chunk.subarray(start, end);
      deliver(pending.length > 0 ? Buffer.concat([...pending, piece]) : piece);
      pending = [];
      start = end + 1;
    }
    if (stopped) return;
    if (start < chunk.length) pending.push(Buffer.from(chunk.subarray(start)));
    if (overBy > 0) halt("bytes");
  };
  const signal = options.signal ? AbortSignal.any([stop.signal, options.signal]) : stop.signal;
  const result = await runProcess({
    ...gitProcess(args, { ...options, signal, maxOutputBytes: maxErrorBytes, timeoutMs: limits.timeoutMs }),
    onStdout,
  });
  if (result.timedOut) stopped ??= "time";
  if (!stopped && pending.length > 0) deliver(Buffer.concat(pending));
  const exitCode = result.exitCode ?? -1;
  if (!stopped && exitCode !== 0 && !options.allowFailure) {
    throw gitFailure(args, exitCode, result.stderr);
  }
  return { exitCode, stderr: result.stderr, records, stopped };
}

/**
 * Streams every record, for a caller that must see them all (a check) but keeps only what it
 * needs: memory stays bounded, and a git that runs out of time is an error, never a partial answer.
 */
export async function streamEveryGitRecord(
  args: string[],
  options: Omit<StreamGitOptions, "limits" | "onRecord"> & {
    timeoutMs: number;
    onRecord(record: string): void;
  },
): Promise<StreamedGit> {
  const { timeoutMs, onRecord, ...rest } = options;
  const limits = {
    maxRecords: Number.POSITIVE_INFINITY,
    maxBytes: Number.POSITIVE_INFINITY,
    timeoutMs,
  };
  const streamed = await streamGitRecords(args, {
    ...rest,
    limits,
    onRecord: (record) => {
      onRecord(record);
      return undefined;
    },
  });
  if (streamed.stopped) throw gitTimeout(args, timeoutMs);
  return streamed;
}
