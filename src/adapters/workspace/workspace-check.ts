import { randomUUID } from "node:crypto";
import { lstat, mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import {
  type CheckOutcome,
  checkSummaryCharacters,
  describeSetupOutcome,
  tailOf,
} from "../../domain/environment.ts";
import { redactSecrets } from "../../domain/secret-redaction.ts";
import type { Workspace } from "../../domain/tool.ts";
import { checkOutCommit } from "../git/clean-checkout.ts";
import { detectSandbox } from "../process/sandbox-probe.ts";
import type { EnvironmentSetup } from "./environment-setup.ts";
import { runWorkspaceCommand, storableOutput } from "./workspace-command.ts";
import { inCleanCheckout, type ResolvedToolOptions } from "./workspace-tool-options.ts";

const checkOutputBytes = 200_000;
/** A clean checkout older than this was left by a crash: no check runs this long. */
const staleCheckoutMs = 24 * 3600_000;

export interface WorkspaceCheckOptions {
  tools: ResolvedToolOptions;
  setup: EnvironmentSetup;
  /** `<dataDir>/checks`: hidden from every sandboxed command, so no worker reaches a checkout. */
  directory: string;
}

/**
 * Runs a repository's check command on a clean checkout of one commit of a worker's branch:
 * a new working copy of exactly that commit, outside the worker's workspace, with the setup
 * restored fresh into it and a fresh home and /tmp, all removed afterwards. Nothing the worker
 * changed besides the commit (installed dependencies, its home, ignored files) reaches it.
 * The check is the one the workspace records (command, timeout) and runs with the workspace's
 * network; the configuration is not read again. It runs in the sandbox; it runs code the agent
 * may have written, so with THREADWORK_SANDBOX=off (or no usable sandbox) it is `not-run`.
 */
export function createWorkspaceCheck(options: WorkspaceCheckOptions) {
  return async function checkCommit(
    workspace: Workspace,
    commit: string,
    signal: AbortSignal,
  ): Promise<CheckOutcome> {
    const command = workspace.check?.command ?? "";
    const notRun = (summary: string): CheckOutcome => ({
      status: "not-run",
      command,
      exitCode: null,
      durationMs: 0,
      summary,
    });
    if (!workspace.check || command === "") return notRun("the repository has no check command");
    const { timeoutSeconds } = workspace.check;
    const sandbox = await detectSandbox(options.tools.sandbox, options.tools.sandboxSearchPath);
    if (sandbox.state === "unavailable")
      return notRun(`the command sandbox is unavailable (${sandbox.reason})`);
    if (sandbox.state === "off") {
      return notRun("THREADWORK_SANDBOX=off: checks run the agent's code, so only inside the sandbox");
    }
    await removeStaleCheckouts(options.directory);
    const directory = join(options.directory, randomUUID());
    try {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      // Its home and /tmp are new directories next to it (`inCleanCheckout`), removed with it.
      const checkout: Workspace = { ...workspace, root: join(directory, "checkout") };
      await checkOutCommit(workspace.root, checkout.root, workspace.branch, commit);
      const setup = await options.setup.prepareCheckout(checkout, sandbox, signal);
      if (signal.aborted) throw new Error("the check was cancelled");
      if (setup?.status === "failed") {
        return {
          status: "failed",
          command,
          exitCode: null,
          durationMs: 0,
          commit,
          summary: tailOf(
            `Setup on the clean checkout of ${commit.slice(0, 12)} ${describeSetupOutcome(setup)}:\n${setup.output}`,
            checkSummaryCharacters,
          ),
        };
      }
      const ran = await runWorkspaceCommand(inCleanCheckout(options.tools), sandbox, checkout, {
        command,
        network: workspace.network === "on",
        timeoutSeconds,
        signal,
        maxOutputBytes: checkOutputBytes,
      });
      if (signal.aborted) throw new Error("the check was cancelled");
      const passed = ran.process.exitCode === 0 && !ran.process.timedOut && !ran.process.aborted;
      const output = redactSecrets(storableOutput(ran.process.stdout));
      return {
        status: passed ? "passed" : "failed",
        command,
        exitCode: ran.process.exitCode,
        durationMs: Math.round(ran.process.durationMs),
        commit,
        summary:
          tailOf(passed ? output : `${output}\n[${ran.status}]`, checkSummaryCharacters) || "(no output)",
      };
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  };
}

/** Checkouts a crash left behind. */
async function removeStaleCheckouts(directory: string): Promise<void> {
  const names = await readdir(directory).catch(() => []);
  for (const name of names) {
    const path = join(directory, name);
    const info = await lstat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > staleCheckoutMs) await rm(path, { recursive: true, force: true });
  }
}
