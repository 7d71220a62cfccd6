import { runGit } from "./git-command.ts";
import { WorkspaceRequestError } from "./git-error.ts";
import { checkBranchName } from "./workspace-names.ts";

/**
 * Where a new working copy starts: the mirror's default branch, or `baseBranch` when a channel's
 * settings name one (its pull request then targets that branch too). A branch the mirror does
 * not have is a clear error, not a silent fallback.
 */
export async function workspaceBase(
  mirror: { path: string; defaultBranch: string; head: string; repository: { name: string } },
  baseBranch: string | undefined,
): Promise<{ branch: string; commit: string }> {
  if (!baseBranch || baseBranch === mirror.defaultBranch) {
    return { branch: mirror.defaultBranch, commit: mirror.head };
  }
  checkBranchName(baseBranch);
  const found = await runGit(["rev-parse", "-q", "--verify", `refs/heads/${baseBranch}^{commit}`], {
    cwd: mirror.path,
    allowFailure: true,
  });
  if (found.exitCode !== 0) {
    throw new WorkspaceRequestError(
      `Repository ${mirror.repository.name} has no branch ${baseBranch} (the channel's base branch)`,
      { repository: mirror.repository.name },
    );
  }
  return { branch: baseBranch, commit: found.stdout.trim() };
}
