import { tmpdir } from "node:os";
import { type RunProcessOptions, runProcess } from "../process/run-process.ts";
import { GitError } from "./git-error.ts";

/**
 * Settings that keep a repository's own (agent-writable) configuration from running
 * programs when *we* run git in it: hooks, fsmonitor, signing, pagers. A nested
 * repository's config is writable by sandboxed commands, and git would run its filters
 * to check whether it is dirty: submodules are never looked into (see `stageEverything`).
 */
const hardening = [
  "-c",
  "core.hooksPath=/dev/null",
  "-c",
  "core.fsmonitor=false",
  "-c",
  "commit.gpgsign=false",
  "-c",
  "tag.gpgsign=false",
  "-c",
  "core.pager=cat",
  "-c",
  "advice.detachedHead=false",
  "-c",
  "gc.auto=0",
  "-c",
  "maintenance.auto=false",
  "-c",
  "diff.ignoreSubmodules=all",
  "-c",
  "submodule.recurse=false",
  "-c",
  "fetch.recurseSubmodules=false",
  "-c",
  "status.submoduleSummary=false",
];

export interface GitIdentity {
  name: string;
  email: string;
}

export const defaultIdentity: GitIdentity = { name: "Threadwork", email: "threadwork@localhost" };

export interface GitOptions {
  cwd: string;
  input?: string;
  signal?: AbortSignal;
  /** Extra variables (e.g. GIT_INDEX_FILE); never a secret. */
  env?: Record<string, string>;
  /** Return a failed result instead of throwing. */
  allowFailure?: boolean;
  identity?: GitIdentity;
  timeoutMs?: number;
  /** Caps stdout and stderr (head and tail kept); unlimited when omitted. */
  maxOutputBytes?: number;
}

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The process that runs `git args`: hardening, identity, an environment built from scratch. */
export function gitProcess(args: string[], options: GitOptions): RunProcessOptions {
  const identity = options.identity ?? defaultIdentity;
  return {
    command: "git",
    args: [...hardening, "-c", `user.name=${identity.name}`, "-c", `user.email=${identity.email}`, ...args],
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: tmpdir(),
      LANG: "C",
      LC_ALL: "C",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_TERMINAL_PROMPT: "0",
      GIT_AUTHOR_NAME: identity.name,
      GIT_AUTHOR_EMAIL: identity.email,
      GIT_COMMITTER_NAME: identity.name,
      GIT_COMMITTER_EMAIL: identity.email,
      ...options.env,
    },
    ...(options.input === undefined ? {} : { input: options.input }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.maxOutputBytes === undefined ? {} : { maxOutputBytes: options.maxOutputBytes }),
  };
}

export function gitFailure(args: string[], exitCode: number, output: string): GitError {
  const command = args.find((argument) => !argument.startsWith("-")) ?? "git";
  return new GitError(`git ${command} failed: ${output.trim()}`, { operation: command, exitCode });
}

export function gitTimeout(args: string[], timeoutMs: number | undefined): GitError {
  return new GitError(`git timed out after ${Math.round((timeoutMs ?? 0) / 1000)} s`, {
    operation: args[0] ?? "git",
  });
}

/**
 * Runs native git with an environment built from scratch (no tokens, no user config),
 * arguments as an array (no shell). Remote transport with credentials does not come here.
 */
export async function runGit(args: string[], options: GitOptions): Promise<GitResult> {
  const result = await runProcess(gitProcess(args, options));
  if (result.timedOut) throw gitTimeout(args, options.timeoutMs);
  const exitCode = result.exitCode ?? -1;
  if (exitCode !== 0 && !options.allowFailure) {
    throw gitFailure(args, exitCode, result.stderr.trim() || result.stdout.trim());
  }
  return { exitCode, stdout: result.stdout, stderr: result.stderr };
}
