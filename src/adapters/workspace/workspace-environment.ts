import { join } from "node:path";
import type { RepositoryConfig } from "../../config/repository-config.ts";
import type { Logger } from "../../logger.ts";
import { detectRestoreMechanism } from "../environment/restore-mechanism.ts";
import { SetupCache } from "../environment/setup-cache.ts";
import { createEnvironmentSetup } from "./environment-setup.ts";
import { createWorkspaceCheck } from "./workspace-check.ts";
import { resolveToolOptions, type WorkspaceToolOptions } from "./workspace-tool-options.ts";
import type { WorkspaceEnvironment } from "./workspaces-port.ts";

export interface WorkspaceEnvironmentOptions {
  /** The same options the workspace tools get: sandbox, limits, hidden paths, homes. */
  tools: WorkspaceToolOptions;
  repositories: RepositoryConfig[];
  /** The setup cache lives in `<dataDir>/setup-cache`, hidden from commands with the rest of it. */
  dataDir: string;
  logger: Logger;
  /** Where `setup.environment` values come from; the service's environment by default. */
  environmentSource?: Record<string, string | undefined>;
  /** THREADWORK_SETUP_CACHE_TTL; seven days by default. */
  setupCacheTtlSeconds?: number;
}

/** Environment setup and checks for the workspaces port: what `prepareEnvironment` and `runCheck` do. */
export function createWorkspaceEnvironment(
  options: WorkspaceEnvironmentOptions,
): Required<WorkspaceEnvironment> {
  const tools = resolveToolOptions(options.tools);
  const cacheDirectory = join(options.dataDir, "setup-cache");
  const setup = createEnvironmentSetup({
    tools,
    repositories: options.repositories,
    cache: new SetupCache({
      directory: cacheDirectory,
      restoreMechanism: () =>
        detectRestoreMechanism({
          sandbox: tools.sandbox,
          sandboxSearchPath: tools.sandboxSearchPath,
          scratchDirectory: cacheDirectory,
        }),
      ...(options.setupCacheTtlSeconds === undefined
        ? {}
        : { maximumAgeMs: options.setupCacheTtlSeconds * 1000 }),
    }),
    logger: options.logger,
    ...(options.environmentSource ? { environmentSource: options.environmentSource } : {}),
  });
  const check = createWorkspaceCheck({
    tools,
    setup,
    directory: join(options.dataDir, "checks"),
  });
  return {
    prepareEnvironment: ({ workspace, signal }) => setup.prepare(workspace, signal),
    checkCommit: ({ workspace, commit, signal }) => check(workspace, commit, signal),
  };
}
