import type { Database } from "../../adapters/database/open-database.ts";
import { findPushedBranch, type PushedBranch } from "../../adapters/database/pushed-branches.ts";
import { gitHubRepositoryOf } from "../../adapters/git/github-pull-request.ts";
import type { RepositoryConfig } from "../../config/repository-config.ts";
import type { SessionThreads, SlackThread } from "../../surfaces/slack/session-threads.ts";

/** A branch Threadwork pushed, its configured repository and the thread of its session. */
export interface CrewPullRequest {
  pushed: PushedBranch;
  repository: RepositoryConfig;
  thread: SlackThread;
}

/**
 * Finds the session behind `branch` of the GitHub repository `fullName` (`owner/repo`):
 * a configured repository on that remote, a worker of it that pushed that branch, and its thread.
 */
export async function findCrewPullRequest(options: {
  db: Database;
  repositories: RepositoryConfig[];
  hosts: string[];
  threads: SessionThreads;
  fullName: string;
  branch: string;
}): Promise<CrewPullRequest | undefined> {
  const wanted = options.fullName.toLowerCase();
  const matching = options.repositories.filter((repository) => {
    const remote = gitHubRepositoryOf(repository.url, options.hosts);
    return remote !== undefined && `${remote.owner}/${remote.repo}`.toLowerCase() === wanted;
  });
  const pushed = await findPushedBranch(
    options.db,
    matching.map((repository) => repository.name),
    options.branch,
  );
  if (!pushed) return undefined;
  const repository = matching.find((candidate) => candidate.name === pushed.repo);
  const thread = await options.threads.get(pushed.sessionId);
  if (!repository || !thread) return undefined;
  return { pushed, repository, thread };
}
