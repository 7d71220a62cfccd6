import { tmpdir } from "node:os";
import { runGit } from "../../../src/adapters/git/git-command.ts";

/**
 * A repository whose `main` holds one tree of `entries` empty files named `copies` times at
 * the root: git stores each object once, so a few hundred KB unfold into entries × copies paths.
 * Built with plumbing only (mktree, commit-tree), nothing is ever checked out here.
 */
export async function createTreeBomb(path: string, entries: number, copies: number): Promise<string> {
  await runGit(["init", "-q", "-b", "main", path], { cwd: tmpdir() });
  const emptyBlob = (await runGit(["hash-object", "-w", "--stdin"], { cwd: path, input: "" })).stdout.trim();
  const files = Array.from({ length: entries }, (_, index) => `100644 blob ${emptyBlob}\tf${index}\n`);
  const wide = (await runGit(["mktree"], { cwd: path, input: files.join("") })).stdout.trim();
  const directories = Array.from({ length: copies }, (_, index) => `040000 tree ${wide}\td${index}\n`);
  const readme = (
    await runGit(["hash-object", "-w", "--stdin"], { cwd: path, input: "# Bomb\n" })
  ).stdout.trim();
  const root = (
    await runGit(["mktree"], {
      cwd: path,
      input: `100644 blob ${readme}\tREADME.md\n${directories.join("")}`,
    })
  ).stdout.trim();
  const commit = (await runGit(["commit-tree", root, "-m", "Tree bomb"], { cwd: path })).stdout.trim();
  await runGit(["update-ref", "refs/heads/main", commit], { cwd: path });
  return commit;
}
