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

/**
 * A repository whose one file is `newlines` bytes in git but eight times that on disk: its
 * `.gitattributes` asks for CRLF line ends written in UTF-32. Its tree looks small to a sizing.
 */
export async function createGrowingFile(path: string, newlines: number): Promise<void> {
  await runGit(["init", "-q", "-b", "main", path], { cwd: tmpdir() });
  const store = (input: string) =>
    runGit(["hash-object", "-w", "--no-filters", "--stdin"], { cwd: path, input }).then((result) =>
      result.stdout.trim(),
    );
  const big = await store("\n".repeat(newlines));
  const attributes = await store("big.txt text eol=crlf working-tree-encoding=UTF-32LE\n");
  const tree = (
    await runGit(["mktree"], {
      cwd: path,
      input: `100644 blob ${attributes}\t.gitattributes\n100644 blob ${big}\tbig.txt\n`,
    })
  ).stdout.trim();
  const commit = (await runGit(["commit-tree", tree, "-m", "Grows"], { cwd: path })).stdout.trim();
  await runGit(["update-ref", "refs/heads/main", commit], { cwd: path });
}
