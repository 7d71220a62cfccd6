import { mkdir } from "node:fs/promises";
import type { NodeSetting } from "../../config/config-file-schema.ts";
import type { RepositoryConfig } from "../../config/repository-config.ts";
import { ToolError } from "../../domain/errors.ts";
import type { ToolContext, Workspace } from "../../domain/tool.ts";
import type { GitIdentity } from "../git/git-command.ts";
import { type CommandLimits, defaultCommandLimits } from "../process/command-limits.ts";
import type { SandboxMode } from "../process/sandbox-probe.ts";

export interface WorkspaceToolOptions {
  /** Command patterns that run without approval (see `isAllowedCommand`). */
  allowCommands: string[];
  /** More patterns per repository name, on top of `allowCommands`. */
  repositoryAllowCommands?: Record<string, string[]>;
  /** Network for agent commands per repository name; off when absent. */
  repositoryNetwork?: Record<string, "off" | "on">;
  /** The Node commands run on per repository name; `threadwork` when absent. */
  repositoryNode?: Record<string, NodeSetting>;
  /** THREADWORK_SANDBOX. Allow-listed commands skip approval only while the sandbox is active. */
  sandbox: SandboxMode;
  /** Where to look for bwrap; defaults to PATH. */
  sandboxSearchPath?: string;
  /** Per-command resource limits; defaults in `defaultCommandLimits`. */
  commandLimits?: Partial<CommandLimits>;
  /** Disk quota of a workspace with its home and /tmp, in MiB. Default 5,120. */
  workspaceQuotaMb?: number;
  /** run_command output cap in bytes, head and tail kept. Default 30,000. */
  maxOutputBytes?: number;
  /** Default 120. */
  defaultTimeoutSeconds?: number;
  /** Default 600. */
  maxTimeoutSeconds?: number;
  /** read_file lines per call. Default 2,000. */
  maxReadLines?: number;
  /** read_file output cap in bytes per call. Default 100,000. */
  maxReadBytes?: number;
  /** search matches per call. Default 200. */
  maxSearchMatches?: number;
  /** list_files entries per call. Default 1,000. */
  maxListEntries?: number;
  /** git_diff output cap in bytes. Default 100,000. */
  maxDiffBytes?: number;
  /** Hidden from sandboxed commands, e.g. the data directory with every other workspace. */
  hiddenPaths?: string[];
  /** HOME for commands; default `<workspace root>.home`, one per workspace. */
  homeDirectory?: (workspace: Workspace) => string;
  /** /tmp for sandboxed commands; default `<workspace root>.tmp`, one per workspace. */
  temporaryDirectory?: (workspace: Workspace) => string;
  identity?: GitIdentity;
}

/** The part of the workspace tools' options the configuration sets; `WorkspaceToolOptions` accepts it. */
export interface WorkspaceToolSettings {
  allowCommands: string[];
  /** Each repository's own `allowCommands` from the configuration file. */
  repositoryAllowCommands: Record<string, string[]>;
  /** Each repository's network policy for agent commands. */
  repositoryNetwork: Record<string, "off" | "on">;
  /** Each repository's `node` setting: the Node its commands run on. */
  repositoryNode: Record<string, NodeSetting>;
  sandbox: SandboxMode;
  hiddenPaths: string[];
  commandLimits?: Partial<CommandLimits>;
  workspaceQuotaMb?: number;
  identity?: GitIdentity;
}

/** What the configuration says about commands in workspaces, for `workspaceToolSettings`. */
export interface CommandSettings {
  repositories: RepositoryConfig[];
  /** Hidden from sandboxed commands, with every other workspace and the database. */
  dataDir: string;
  /** THREADWORK_ALLOW_COMMANDS. */
  allowCommands?: string[];
  /** THREADWORK_SANDBOX. */
  sandbox?: SandboxMode;
  /** THREADWORK_COMMAND_* limits. */
  commandLimits?: CommandLimits;
  /** THREADWORK_WORKSPACE_QUOTA_MB. */
  workspaceQuotaMb?: number;
  identity?: GitIdentity;
}

/** The workspace tools' settings from the configuration, with the data directory hidden from sandboxed commands. */
export function workspaceToolSettings(options: CommandSettings): WorkspaceToolSettings {
  return {
    allowCommands: options.allowCommands ?? [],
    repositoryAllowCommands: Object.fromEntries(
      options.repositories.map((repository) => [repository.name, repository.allowCommands ?? []]),
    ),
    repositoryNetwork: Object.fromEntries(
      options.repositories.map((repository) => [repository.name, repository.network ?? "off"]),
    ),
    repositoryNode: Object.fromEntries(
      options.repositories.map((repository) => [repository.name, repository.node ?? "threadwork"]),
    ),
    sandbox: options.sandbox ?? "required",
    // The app directory too, should it lie under a mounted system directory (/usr/src/app).
    hiddenPaths: [options.dataDir, process.cwd()],
    ...(options.commandLimits ? { commandLimits: options.commandLimits } : {}),
    ...(options.workspaceQuotaMb ? { workspaceQuotaMb: options.workspaceQuotaMb } : {}),
    ...(options.identity ? { identity: options.identity } : {}),
  };
}

export interface ResolvedToolOptions {
  allowCommands: string[];
  repositoryAllowCommands: Record<string, string[]>;
  repositoryNetwork: Record<string, "off" | "on">;
  repositoryNode: Record<string, NodeSetting>;
  sandbox: SandboxMode;
  sandboxSearchPath: string | undefined;
  commandLimits: CommandLimits;
  workspaceQuotaMb: number;
  maxOutputBytes: number;
  defaultTimeoutSeconds: number;
  maxTimeoutSeconds: number;
  maxReadLines: number;
  maxReadBytes: number;
  maxSearchMatches: number;
  maxListEntries: number;
  maxDiffBytes: number;
  hiddenPaths: string[];
  homeDirectory: (workspace: Workspace) => string;
  temporaryDirectory: (workspace: Workspace) => string;
  identity: GitIdentity | undefined;
}

export function resolveToolOptions(options: WorkspaceToolOptions): ResolvedToolOptions {
  return {
    allowCommands: options.allowCommands,
    repositoryAllowCommands: options.repositoryAllowCommands ?? {},
    repositoryNetwork: options.repositoryNetwork ?? {},
    repositoryNode: options.repositoryNode ?? {},
    sandbox: options.sandbox,
    sandboxSearchPath: options.sandboxSearchPath,
    commandLimits: { ...defaultCommandLimits, ...options.commandLimits },
    workspaceQuotaMb: options.workspaceQuotaMb ?? 5120,
    maxOutputBytes: options.maxOutputBytes ?? 30_000,
    defaultTimeoutSeconds: options.defaultTimeoutSeconds ?? 120,
    maxTimeoutSeconds: options.maxTimeoutSeconds ?? 600,
    maxReadLines: options.maxReadLines ?? 2000,
    // Under the runtime's 100,000-character result cap with the page's footer, so a page is never cut.
    maxReadBytes: options.maxReadBytes ?? 96_000,
    maxSearchMatches: options.maxSearchMatches ?? 200,
    maxListEntries: options.maxListEntries ?? 1000,
    maxDiffBytes: options.maxDiffBytes ?? 100_000,
    hiddenPaths: options.hiddenPaths ?? [],
    homeDirectory: options.homeDirectory ?? defaultHomeDirectory,
    temporaryDirectory: options.temporaryDirectory ?? ((workspace) => `${workspace.root}.tmp`),
    identity: options.identity,
  };
}

/** Next to the working copy, not in it: never committed, and removed with the session's workspaces. */
function defaultHomeDirectory(workspace: Workspace): string {
  return `${workspace.root}.home`;
}

/**
 * The options for setup and checks on a clean checkout: its home and /tmp are new directories
 * next to it, never the worker's, whatever places the options name for workspaces.
 */
export function inCleanCheckout(options: ResolvedToolOptions): ResolvedToolOptions {
  return {
    ...options,
    homeDirectory: (checkout) => `${checkout.root}.home`,
    temporaryDirectory: (checkout) => `${checkout.root}.tmp`,
  };
}

/** Creates a private directory (home, /tmp) if missing. */
export async function ensureHome(path: string): Promise<string> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  return path;
}

/** The repository's `node` setting; `threadwork` unless it names another. */
export function nodeSettingOf(
  repositoryNode: Record<string, NodeSetting> | undefined,
  repoName: string,
): NodeSetting {
  return repositoryNode && Object.hasOwn(repositoryNode, repoName)
    ? (repositoryNode[repoName] ?? "threadwork")
    : "threadwork";
}

export function requireWorkspace(context: ToolContext): Workspace {
  if (!context.workspace) {
    throw new ToolError("This agent has no workspace. The supervisor must spawn it with a repository.");
  }
  return context.workspace;
}
