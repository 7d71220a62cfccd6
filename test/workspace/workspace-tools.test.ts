import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Workspace } from "../../src/domain/tool.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import {
  callTool,
  createSourceRepository,
  git,
  temporaryDirectory,
  toolContext,
} from "./repository-fixtures.ts";

describe("workspace tools", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let workspace: Workspace;
  const tools = createWorkspaceTools({ allowCommands: ["git status"], sandbox: "off" });
  const call = (name: string, input: unknown) => callTool(tools, name, input, toolContext(workspace));

  beforeAll(async () => {
    directory = await temporaryDirectory("tools");
    const root = join(directory.path, "repo");
    const base = await createSourceRepository(root, {
      "README.md": "# Demo\n",
      "src/index.ts": 'export const greeting = "hello";\nexport const count = 1;\n',
      "src/util/math.ts": "export function add(a: number, b: number) {\n  return a + b;\n}\n",
    });
    await git(root, "checkout", "-q", "-b", "threadwork/s/agent");
    workspace = { repoName: "demo", root, branch: "threadwork/s/agent", baseCommit: base };
  });
  afterAll(() => directory.remove());

  it("lists files with a path and a glob", async () => {
    expect(await call("list_files", {})).toBe("README.md\nsrc/index.ts\nsrc/util/math.ts");
    expect(await call("read_file", { path: "README.md" })).toBe("   1\t# Demo");
    expect(await call("list_files", { path: "src", glob: "util/*.ts" })).toBe("src/util/math.ts");
    expect(await call("list_files", { glob: "*.md" })).toBe("README.md");
  });

  it("reads with line numbers, offset and limit", async () => {
    expect(await call("read_file", { path: "src/util/math.ts", offset: 2, limit: 1 })).toBe(
      "   2\t  return a + b;\n(showing lines 2-2 of 3; 1 more lines: continue with offset=3)",
    );
    await expect(call("read_file", { path: "missing.ts" })).rejects.toThrow(/No such file/);
  });

  it("edits exactly, refusing missing and ambiguous text", async () => {
    await call("write_file", { path: "notes/todo.txt", content: "a\na\nb\n" });
    await expect(call("edit_file", { path: "notes/todo.txt", old: "a", new: "c" })).rejects.toThrow(
      /occurs 2 times/,
    );
    await expect(call("edit_file", { path: "notes/todo.txt", old: "zzz", new: "c" })).rejects.toThrow(
      /not found/,
    );
    expect(
      await call("edit_file", { path: "notes/todo.txt", old: "a", new: "$&c", replace_all: true }),
    ).toMatch(/Replaced 2 occurrences/);
    expect(await readFile(join(workspace.root, "notes/todo.txt"), "utf8")).toBe("$&c\n$&c\nb\n");
  });

  it("searches with a regex, bounded and skipping .git", async () => {
    const output = await call("search", { pattern: "export (const|function) \\w+", glob: "*.ts" });
    expect(output).toContain("src/index.ts:1:export const greeting");
    expect(output).toContain("src/util/math.ts:1:export function add");
    expect(await call("search", { pattern: "HEAD" })).toBe("No matches.");
    await expect(call("search", { pattern: "(" })).rejects.toThrow(/search failed/);
  });

  it("git_diff equals native git diff, untracked files included", async () => {
    await call("edit_file", { path: "src/index.ts", old: '"hello"', new: '"hello, world"' });
    await call("write_file", { path: "src/new-file.ts", content: "export const fresh = true;\n" });
    await call("run_command", { command: "rm README.md" });
    const toolDiff = await call("git_diff", {});
    expect(toolDiff).toContain("deleted file mode 100644");
    expect(await call("list_files", { glob: "*.md" })).toBe("No files found.");
    const trackedOnly = await git(workspace.root, "diff", workspace.baseCommit, "--", "src/index.ts");
    expect(toolDiff).toContain(trackedOnly);
    // Natively, an untracked file shows up in a diff once it is in the index.
    await git(workspace.root, "add", "-A");
    expect(toolDiff).toBe(await git(workspace.root, "diff", "--cached", workspace.baseCommit));
    await git(workspace.root, "reset", "-q");
    expect(await git(workspace.root, "status", "--porcelain")).toContain("?? src/new-file.ts");
  });

  it("commits everything on the branch", async () => {
    expect(await call("commit", { message: "Greet the world" })).toMatch(
      /^Committed [0-9a-f]{12} on threadwork\/s\/agent: 4 files changed/,
    );
    expect(await git(workspace.root, "status", "--porcelain")).toBe("");
    expect(await call("commit", { message: "again" })).toMatch(/Nothing to commit/);
    expect((await git(workspace.root, "log", "-1", "--format=%s")).trim()).toBe("Greet the world");
  });

  it("refuses escapes: .., absolute paths, symlinked files and directories, .git writes", async () => {
    const outside = join(directory.path, "outside");
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, "secret.txt"), "secret\n");
    await symlink(join(outside, "secret.txt"), join(workspace.root, "linked-file"));
    await symlink(outside, join(workspace.root, "linked-directory"));
    await symlink(join(outside, "missing.txt"), join(workspace.root, "dangling"));
    await expect(call("read_file", { path: "../outside/secret.txt" })).rejects.toThrow(
      /outside the workspace/,
    );
    await expect(call("read_file", { path: "src/../../outside/secret.txt" })).rejects.toThrow(/outside/);
    await expect(call("read_file", { path: join(outside, "secret.txt") })).rejects.toThrow(/Absolute paths/);
    await expect(call("read_file", { path: "linked-file" })).rejects.toThrow(/symlink/);
    await expect(call("read_file", { path: "linked-directory/secret.txt" })).rejects.toThrow(/symlink/);
    await expect(call("write_file", { path: "linked-directory/new.txt", content: "x" })).rejects.toThrow(
      /symlink/,
    );
    await expect(call("write_file", { path: "linked-file", content: "x" })).rejects.toThrow(/symlink/);
    await expect(call("write_file", { path: "dangling", content: "x" })).rejects.toThrow(/symlink/);
    await expect(call("edit_file", { path: "linked-file", old: "secret", new: "x" })).rejects.toThrow(
      /symlink/,
    );
    await expect(call("list_files", { path: "linked-directory" })).rejects.toThrow(/symlink/);
    await expect(call("search", { pattern: "secret", path: "linked-directory" })).rejects.toThrow(/symlink/);
    await expect(call("write_file", { path: ".git/hooks/pre-commit", content: "x" })).rejects.toThrow(
      /\.git/,
    );
    await expect(call("write_file", { path: "./.GIT/config", content: "x" })).rejects.toThrow(/\.git/);
    expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("secret\n");
  });

  it("says so when the agent has no workspace", async () => {
    await expect(callTool(tools, "list_files", {}, toolContext(undefined))).rejects.toThrow(/no workspace/);
  });
});
