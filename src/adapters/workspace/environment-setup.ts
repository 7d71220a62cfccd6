import type { Stats } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import type { RepositoryConfig } from "../../config/repository-config.ts";
import { isServiceCredentialVariable } from "../../config/service-credentials.ts";
import type { SetupOutcome } from "../../domain/environment.ts";
import { errorMessage } from "../../domain/errors.ts";
import {
  redactedText,
  redactSecrets,
  redactValuesEverywhere,
  secretValueForms,
} from "../../domain/secret-redaction.ts";
import type { Workspace } from "../../domain/tool.ts";
import type { Logger } from "../../logger.ts";
import { describeRestoreMechanism } from "../environment/restore-mechanism.ts";
import { removeEntriesHolding } from "../environment/secret-files.ts";
import type { SetupCache } from "../environment/setup-cache.ts";
import { readRegularFile, setupCacheKey } from "../environment/setup-cache-key.ts";
import { excludeFromCommits, readSetupRecord, writeSetupRecord } from "../environment/setup-record.ts";
import { detectSandbox, type SandboxStatus } from "../process/sandbox-probe.ts";
import { cleanUpAfterCommand, runWorkspaceCommand, storableOutput } from "./workspace-command.ts";
import { inCleanCheckout, type ResolvedToolOptions } from "./workspace-tool-options.ts";

/** The setup a repository declares itself, run after the operator's command when `setup.fromRepository` allows it. */
export const repositorySetupScript = ".threadwork/setup.sh";

const defaultSetupTimeoutSeconds = 900;
/** Setup output kept: head and tail, for the worker (read_tool_output) and the operator. */
const setupOutputBytes = 200_000;
const maximumScriptBytes = 256 * 1024;

export interface EnvironmentSetupOptions {
  tools: ResolvedToolOptions;
  repositories: RepositoryConfig[];
  cache: SetupCache;
  /** Where the values of `setup.environment` come from; the service's environment by default. */
  environmentSource?: Record<string, string | undefined>;
  logger: Logger;
}

/** Names a cache entry or an exclude line can carry: no control characters, no `.git`. */
function isCopyableName(name: string): boolean {
  return (
    name !== ".git" &&
    ![...name].some((character) => character.charCodeAt(0) < 0x20 || character === "\u007f")
  );
}

/**
 * Where setup runs: a new workspace, at its repository's default branch, or the clean
 * checkout of an agent's commit that its check runs on. The commit is the agent's work, so
 * setup there, when the cache has nothing for its lock files, gets the network only as the
 * agent's commands do and none of `setup.environment`, and what it makes is not cached.
 */
type SetupPlace = "workspace" | "checkout";

/**
 * Runs repositories' environment setup in new workspaces: in the sandbox with the network
 * and no secret but the variables the operator named, before the worker's first turn.
 * A workspace's outcome is recorded next to it once setup is over, and returned again
 * without running anything (a crash during setup runs it again: setup commands such as
 * `npm ci` start over cleanly). What a passing setup produced is stored in the setup
 * cache under its lock files' key, and a later workspace with the same key gets a copy.
 */
export function createEnvironmentSetup(options: EnvironmentSetupOptions) {
  const source = options.environmentSource ?? process.env;
  // Setup may write its token where later commands read it (a ~/.npmrc): from the start, every
  // output of every session redacts the values, not only setup's own.
  for (const repository of options.repositories) {
    redactValuesEverywhere(Object.values(environmentFor(repository.setup?.environment ?? []).values));
  }

  function repositoryOf(name: string): RepositoryConfig | undefined {
    return options.repositories.find((repository) => repository.name === name);
  }

  /** The operator's command, then the repository's own script when allowed and present. */
  async function commandFor(
    workspace: Workspace,
    setup: NonNullable<RepositoryConfig["setup"]>,
  ): Promise<{ command: string; script: Buffer | undefined }> {
    if (!setup.fromRepository) return { command: setup.command, script: undefined };
    const script = await readRegularFile(join(workspace.root, repositorySetupScript), maximumScriptBytes);
    if (!script) return { command: setup.command, script: undefined };
    return { command: `(${setup.command}) && bash ./${repositorySetupScript}`, script };
  }

  /** The named variables' values; Threadwork's own credentials never, even if a configuration names them. */
  function environmentFor(names: string[]): {
    values: Record<string, string>;
    missing: string[];
    refused: string[];
  } {
    const values: Record<string, string> = {};
    const missing: string[] = [];
    const refused: string[] = [];
    for (const name of names) {
      const value = source[name];
      if (isServiceCredentialVariable(name)) refused.push(name);
      else if (value === undefined || value === "") missing.push(name);
      else values[name] = value;
    }
    return { values, missing, refused };
  }

  /**
   * Removes what setup left holding one of its secrets (a ~/.npmrc with the registry token, a
   * config file among the packages) from the working copy, its home and /tmp: the token was
   * setup's alone, and the agent's commands that run there next must not read it, in any
   * encoding. Returns the removed paths as the worker would name them.
   */
  async function removeSecretHolders(
    workspace: Workspace,
    entries: Array<{ path: string; info: Stats }>,
    secrets: Buffer[],
  ): Promise<string[]> {
    const home = options.tools.homeDirectory(workspace);
    const temporary = options.tools.temporaryDirectory(workspace);
    const removed = await removeEntriesHolding(entries, secrets);
    return removed.map((path) => {
      if (path.startsWith(`${home}/`)) return `~/${relative(home, path)}`;
      if (path.startsWith(`${temporary}/`)) return `/tmp/${relative(temporary, path)}`;
      return relative(workspace.root, path);
    });
  }

  /** Redacted as every stored output is, and the configured variables' values by value. */
  function redact(output: string, values: Record<string, string>): string {
    let text = redactSecrets(storableOutput(output));
    for (const value of Object.values(values)) {
      if (value.length >= 4) text = text.replaceAll(value, redactedText);
    }
    return text;
  }

  async function run(
    workspace: Workspace,
    repository: RepositoryConfig,
    setup: NonNullable<RepositoryConfig["setup"]>,
    sandbox: Exclude<SandboxStatus, { state: "unavailable" }>,
    signal: AbortSignal,
    place: SetupPlace,
  ): Promise<SetupOutcome> {
    const started = performance.now();
    const { command, script } = await commandFor(workspace, setup);
    const key = await setupCacheKey({
      root: workspace.root,
      repoName: repository.name,
      command,
      script,
      environmentNames: setup.environment ?? [],
      cacheKeyPaths: setup.cacheKeyPaths ?? [],
      signal,
    }).catch(() => undefined);
    if (key) {
      const restored = await options.cache.restore(repository.name, key, workspace.root, signal);
      if (restored) {
        const manifest = await options.cache.lookup(repository.name, key);
        const entries = manifest?.entries ?? [];
        await excludeFromCommits(workspace.root, entries);
        const mechanism = await options.cache.restoreMechanism();
        options.logger.info(
          { repository: repository.name, root: workspace.root, restore: describeRestoreMechanism(mechanism) },
          "setup restored from the cache",
        );
        return {
          status: "passed",
          command,
          source: "cache",
          exitCode: 0,
          durationMs: Math.round(performance.now() - started),
          output:
            `Restored ${entries.join(", ")} from the setup cache (key ${key}): an earlier workspace with the same ` +
            `lock files ran \`${command}\` in ${((manifest?.durationMs ?? 0) / 1000).toFixed(1)} s.`,
        };
      }
    }
    const before = new Set(await readdir(workspace.root));
    const trusted = place === "workspace";
    const { values, missing, refused } = trusted
      ? environmentFor(setup.environment ?? [])
      : { values: {}, missing: [], refused: [] };
    const secrets = Object.values(values)
      .flatMap(secretValueForms)
      .map((form) => Buffer.from(form));
    const ran = await runWorkspaceCommand(
      trusted ? options.tools : inCleanCheckout(options.tools),
      sandbox,
      workspace,
      {
        command,
        network: trusted || repository.network === "on",
        environment: values,
        timeoutSeconds: setup.timeoutSeconds ?? defaultSetupTimeoutSeconds,
        signal,
        maxOutputBytes: setupOutputBytes,
      },
    );
    if (signal.aborted) throw new Error("environment setup was cancelled");
    const walked: Array<{ path: string; info: Stats }> = [];
    const gitDirectory = join(workspace.root, ".git");
    const { removed } = await cleanUpAfterCommand(
      workspace,
      ran.quotaPaths,
      secrets.length === 0
        ? undefined
        : (path, info) => {
            if (path !== gitDirectory && !path.startsWith(`${gitDirectory}/`)) walked.push({ path, info });
          },
    );
    const holders = await removeSecretHolders(workspace, walked, secrets);
    const produced = (await readdir(workspace.root)).filter(
      (name) => !before.has(name) && isCopyableName(name),
    );
    await excludeFromCommits(workspace.root, produced);
    const passed = ran.process.exitCode === 0 && !ran.process.timedOut && !ran.process.aborted;
    const notes = [
      ...(trusted
        ? []
        : [
            "[ran on the agent's commit, with no cached setup for its lock files: network as for the agent's commands, no setup.environment variables]",
          ]),
      ...(refused.length > 0
        ? [`[Threadwork's own credentials, never passed to setup: ${refused.join(", ")}]`]
        : []),
      ...(holders.length > 0
        ? [
            `[removed ${holders.length} file${holders.length === 1 ? "" : "s"} that held a setup secret, which later commands must not read: ${holders.slice(0, 10).join(", ")}${holders.length > 10 ? ", …" : ""}]`,
          ]
        : []),
      ...(missing.length > 0
        ? [`[not set in Threadwork's environment, so not passed: ${missing.join(", ")}]`]
        : []),
      ...(removed.length > 0
        ? [`[removed what git would block on: ${removed.slice(0, 10).join(", ")}]`]
        : []),
    ];
    const output = [redact(ran.process.stdout, values) || "(no output)", ...notes].join("\n");
    const durationMs = Math.round(ran.process.durationMs);
    if (trusted && passed && key && produced.length > 0) {
      // Before the worker's first turn, so the copy is what setup made and nothing an agent changed.
      await options.cache
        .store(repository.name, key, workspace.root, { entries: produced, command, durationMs }, secrets)
        .then(({ refused: holding }) => {
          if (holding.length > 0)
            options.logger.warn(
              { repository: repository.name, files: holding.slice(0, 10) },
              "setup output held a setup secret: not cached",
            );
        })
        .catch((error: unknown) =>
          options.logger.warn(
            { repository: repository.name, error: errorMessage(error) },
            "could not store the setup cache",
          ),
        );
    }
    return {
      status: passed ? "passed" : "failed",
      command,
      source: "ran",
      exitCode: ran.process.exitCode,
      durationMs: Math.round(performance.now() - started),
      ...(passed ? {} : { reason: ran.status }),
      output,
    };
  }

  return {
    /** Undefined when the workspace's repository has no setup. */
    async prepare(workspace: Workspace, signal: AbortSignal): Promise<SetupOutcome | undefined> {
      const repository = repositoryOf(workspace.repoName);
      const setup = repository?.setup;
      if (!repository || !setup) return undefined;
      const recorded = await readSetupRecord(workspace.root);
      if (recorded) return recorded;
      const sandbox = await detectSandbox(options.tools.sandbox, options.tools.sandboxSearchPath);
      const outcome: SetupOutcome =
        sandbox.state === "unavailable"
          ? {
              status: "failed",
              command: setup.command,
              source: "ran",
              exitCode: null,
              durationMs: 0,
              reason: `the command sandbox is unavailable (${sandbox.reason})`,
              output: "Setup did not run: it runs only inside the command sandbox.",
            }
          : await run(workspace, repository, setup, sandbox, signal, "workspace");
      await writeSetupRecord(workspace.root, outcome);
      options.logger.info(
        {
          repository: repository.name,
          root: workspace.root,
          status: outcome.status,
          source: outcome.source,
          durationMs: outcome.durationMs,
        },
        "environment setup finished",
      );
      return outcome;
    },

    /**
     * Setup in the clean checkout a check runs on: the cached setup for its lock files restored
     * fresh, or else setup run there (see `SetupPlace`). Nothing is recorded: the checkout is
     * thrown away after the check. Undefined when the repository has no setup.
     */
    async prepareCheckout(
      checkout: Workspace,
      sandbox: Exclude<SandboxStatus, { state: "unavailable" }>,
      signal: AbortSignal,
    ): Promise<SetupOutcome | undefined> {
      const repository = repositoryOf(checkout.repoName);
      const setup = repository?.setup;
      if (!repository || !setup) return undefined;
      return run(checkout, repository, setup, sandbox, signal, "checkout");
    },
  };
}

export type EnvironmentSetup = ReturnType<typeof createEnvironmentSetup>;
