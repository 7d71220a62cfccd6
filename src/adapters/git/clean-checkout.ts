import { dirname, join } from "node:path";
import { runGit } from "./git-command.ts";
import { linkTree } from "./workspace-files.ts";

/**
 * A new working copy at `root` holding exactly `commit` of the working copy at `source`, on
 * `branch`: its objects hardlinked (they are immutable), nothing else taken over. No untracked
 * file, no ignored directory, no index or config of the source's comes along, so what it holds
 * is what the commit holds. Fails unless HEAD is then `commit`.
 */
export async function checkOutCommit(
  source: string,
  root: string,
  branch: string,
  commit: string,
): Promise<void> {
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error(`not a commit id: ${commit}`);
  await runGit(["init", "-q", "--template=", root], { cwd: dirname(root) });
  await linkTree(join(source, ".git", "objects"), join(root, ".git", "objects"));
  await runGit(["checkout", "-q", "-B", branch, commit], { cwd: root });
  const head = (await runGit(["rev-parse", "HEAD"], { cwd: root })).stdout.trim();
  if (head !== commit) throw new Error(`the clean checkout is at ${head}, not ${commit}`);
}
