import type { WorkspacesPort } from "../../domain/workspaces-port.ts";
import {
  createWorkspaceManager,
  type WorkspaceManager,
  type WorkspaceManagerOptions,
} from "../git/workspace-manager.ts";
import type { CommandLimits } from "../process/command-limits.ts";
import type { SandboxMode } from "../process/sandbox-probe.ts";
import { workspaceDescriber } from "./describe-workspace.ts";
import { createWorkspaceEnvironment } from "./workspace-environment.ts";
import { type WorkspaceToolSettings, workspaceToolSettings } from "./workspace-tool-options.ts";
import { createWorkspacesPort } from "./workspaces-port.ts";

export interface WorkspacesOptions extends WorkspaceManagerOptions {
  /** THREADWORK_ALLOW_COMMANDS. */
  allowCommands?: string[];
  /** THREADWORK_SANDBOX. */
  sandbox?: SandboxMode;
  /** THREADWORK_COMMAND_* limits. */
  commandLimits?: CommandLimits;
  /** THREADWORK_SETUP_CACHE_TTL; seven days by default. */
  setupCacheTtlSeconds?: number;
  /** Where `setup.environment` values come from; the service's environment by default. */
  environmentSource?: Record<string, string | undefined>;
}

export interface Workspaces {
  /** Mirrors, working copies, merges, cleanup: what the janitor, doctor and supervisor tools use. */
  manager: WorkspaceManager;
  /** The runtime's port: create, set up, check, describe and finalize a worker's workspace. */
  port: WorkspacesPort;
  /** What the workspace tools run commands with: the same sandbox, limits and hidden paths as setup and checks. */
  toolOptions: WorkspaceToolSettings;
}

/** The whole workspace layer from the configuration: one place builds what the runtime and the tools use. */
export function createWorkspaces(options: WorkspacesOptions): Workspaces {
  const manager = createWorkspaceManager(options);
  const toolOptions = workspaceToolSettings(options);
  const environment = createWorkspaceEnvironment({
    tools: toolOptions,
    repositories: options.repositories,
    dataDir: options.dataDir,
    logger: options.logger,
    ...(options.setupCacheTtlSeconds === undefined
      ? {}
      : { setupCacheTtlSeconds: options.setupCacheTtlSeconds }),
    ...(options.environmentSource ? { environmentSource: options.environmentSource } : {}),
  });
  return {
    manager,
    toolOptions,
    port: {
      ...createWorkspacesPort(manager, environment),
      describeWorkspace: workspaceDescriber(() => toolOptions),
    },
  };
}
