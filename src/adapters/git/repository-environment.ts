import type { RepositoryConfig } from "../../config/repository-config.ts";
import { defaultCheckRetries, defaultCheckTimeoutSeconds } from "../../domain/environment.ts";
import type { Workspace } from "../../domain/tool.ts";

/**
 * What a workspace records of its repository's environment: the network policy and the whole
 * check (command, retries, timeout), when the configuration sets them. The worker's prompt,
 * `finish` and the check itself read them there, never the configuration again.
 */
export function repositoryEnvironment(
  repositories: RepositoryConfig[],
  repoName: string,
): Pick<Workspace, "network" | "check"> {
  const repository = repositories.find((candidate) => candidate.name === repoName);
  if (!repository) return {};
  return {
    ...(repository.network ? { network: repository.network } : {}),
    ...(repository.check
      ? {
          check: {
            command: repository.check.command,
            retries: repository.check.retries ?? defaultCheckRetries,
            timeoutSeconds: repository.check.timeoutSeconds ?? defaultCheckTimeoutSeconds,
          },
        }
      : {}),
  };
}
