/**
 * A workspace's environment: the repository's setup, run once before the worker's first
 * turn, and its check, run by `finish`. These are the records both leave behind.
 */

/** What environment setup did for one workspace. */
export interface SetupOutcome {
  status: "passed" | "failed";
  /** The command line that ran, or whose result was restored. */
  command: string;
  /** `cache`: what an earlier setup of the same lock files produced was restored; nothing ran. */
  source: "ran" | "cache";
  exitCode: number | null;
  durationMs: number;
  /** One line saying why it failed. */
  reason?: string;
  /** Head and tail of the output, redacted. */
  output: string;
}

/** What a worker's check did before it finished. */
export interface CheckOutcome {
  /** `not-run`: the worker ended without `finish`, or the sandbox could not run it. */
  status: "passed" | "failed" | "not-run";
  command: string;
  exitCode: number | null;
  durationMs: number;
  /** The end of the output (bounded), or why it did not run. */
  summary: string;
  /** Failing checks that went back to the worker before this one. */
  failedBefore?: number;
  /** The commit the check ran on, in a clean checkout of it; absent when it did not run. */
  commit?: string;
}

/** The repository's check as a workspace records it. */
/** A repository's check as its workspace records it: the check reads nothing else (the network is the workspace's). */
export interface CheckSettings {
  command: string;
  /** How often a failing check goes back to the worker. */
  retries: number;
  /** How long one check run may take. */
  timeoutSeconds: number;
}

/** What `finish` does after the check: end the work (with the check, if any) or hand it back. */
export type FinishVerdict = { kind: "finish"; check?: CheckOutcome } | { kind: "retry"; message: string };

/** The end of a check's output that results, the crew board and pull requests carry. */
export const checkSummaryCharacters = 1500;

/** `check.retries` when the configuration file does not say. */
export const defaultCheckRetries = 2;

/** `check.timeoutSeconds` when the configuration file does not say. */
export const defaultCheckTimeoutSeconds = 600;

/** How the tool error of a failing check starts: failed checks are counted by it. */
export const checkFailedPrefix = "The check failed";

/** The tool call id under which a workspace's setup output is stored (`read_tool_output`). */
export const setupOutputId = "environment-setup";

/** The last `maxCharacters` of `text`, starting at a line where it can. */
export function tailOf(text: string, maxCharacters: number): string {
  const trimmed = text.trimEnd();
  if (trimmed.length <= maxCharacters) return trimmed;
  const cut = trimmed.slice(trimmed.length - maxCharacters);
  const newline = cut.indexOf("\n");
  return `…${newline >= 0 && newline < maxCharacters / 2 ? cut.slice(newline) : cut}`;
}

function seconds(durationMs: number): string {
  return `${(durationMs / 1000).toFixed(1)} s`;
}

/** "passed in 3.2 s", "failed (exit code 1, 3.2 s)", "not run: …". */
export function describeCheckOutcome(check: CheckOutcome): string {
  if (check.status === "not-run") return `not run: ${check.summary.split("\n")[0] ?? ""}`;
  if (check.status === "passed") return `passed (${seconds(check.durationMs)})`;
  const exit = check.exitCode === null ? "stopped" : `exit code ${check.exitCode}`;
  return `failed (${exit}, ${seconds(check.durationMs)})`;
}

/**
 * The check as it stands for `commit`. A verdict vouches only for the commit it was reached
 * on: one reached on another commit, or naming none, is not a verdict on this one.
 */
export function checkAtCommit(check: CheckOutcome, commit: string): CheckOutcome {
  if (check.status === "not-run" || check.commit === commit) return check;
  return {
    status: "not-run",
    command: check.command,
    exitCode: null,
    durationMs: 0,
    summary: check.commit
      ? `it ${check.status} on ${check.commit.slice(0, 12)}, not on ${commit.slice(0, 12)}, the commit to merge`
      : `it ${check.status}, but not on a clean checkout of ${commit.slice(0, 12)}, the commit to merge`,
    ...(check.failedBefore === undefined ? {} : { failedBefore: check.failedBefore }),
  };
}

/** "passed in 12.0 s", "restored from the cache in 0.3 s", "failed: exit code 1 after 4.0 s". */
export function describeSetupOutcome(
  setup: Pick<SetupOutcome, "status" | "source" | "durationMs" | "reason">,
) {
  if (setup.status === "failed")
    return `failed: ${setup.reason ?? "unknown"} after ${seconds(setup.durationMs)}`;
  return setup.source === "cache"
    ? `restored from the setup cache in ${seconds(setup.durationMs)}`
    : `passed in ${seconds(setup.durationMs)}`;
}

/**
 * After a check: finish, or hand a failure back while retries remain. `failedBefore` counts
 * the failures already handed back; after `retries` of them the worker finishes with the
 * failed check recorded.
 */
export function verdictAfterCheck(check: CheckOutcome, settings: CheckSettings): FinishVerdict {
  const failedBefore = check.failedBefore ?? 0;
  if (check.status !== "failed" || failedBefore >= settings.retries) return { kind: "finish", check };
  const left = settings.retries - failedBefore - 1;
  return {
    kind: "retry",
    message:
      `${checkFailedPrefix}: \`${check.command}\` ${describeCheckOutcome(check)}. Nothing was finished. ` +
      `Fix the cause and call finish again; ${left === 0 ? "the next failure finishes your work with the failed check recorded" : `${left} more failure${left === 1 ? "" : "s"} will come back to you`}. ` +
      `The end of its output:\n${check.summary}`,
  };
}
