import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runGit } from "../../src/adapters/git/git-command.ts";
import type { MergeRequest, MergeResult } from "../../src/adapters/git/workspace-manager.ts";
import type { ToolContext, ToolDefinition, Workspace } from "../../src/domain/tool.ts";

export async function temporaryDirectory(
  prefix: string,
): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `threadwork-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A small repository on `main` with a few files, committed. */
export async function createSourceRepository(path: string, files: Record<string, string>): Promise<string> {
  await runGit(["init", "-q", "-b", "main", path], { cwd: tmpdir() });
  for (const [name, content] of Object.entries(files)) {
    const target = join(path, name);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  await runGit(["add", "-A"], { cwd: path });
  await runGit(["commit", "-q", "-m", "Initial commit"], { cwd: path });
  return (await runGit(["rev-parse", "HEAD"], { cwd: path })).stdout.trim();
}

export function git(cwd: string, ...args: string[]): Promise<string> {
  return runGit(args, { cwd }).then((result) => result.stdout);
}

export function toolContext(
  workspace: Workspace | undefined,
  signal = new AbortController().signal,
): ToolContext {
  return { sessionId: "session-1", agentId: "agent-1", signal, workspace };
}

/** Validates the input with the tool's schema, as the runtime does, then executes. */
export async function callTool(
  tools: ToolDefinition[],
  name: string,
  input: unknown,
  context: ToolContext,
): Promise<string> {
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool.execute(tool.input.parse(input), context);
}

/** A `mergeBranches` that records each request and reports every branch merged cleanly. */
export function recordingMerge(requests: MergeRequest[]): (request: MergeRequest) => Promise<MergeResult> {
  return async (request) => {
    requests.push(request);
    return {
      branch: "threadwork/session-1/integration",
      commit: "0123456789abcdef",
      merged: request.workspaces.map((workspace) => workspace.branch),
      conflicts: [],
      workspace: {
        repoName: "demo",
        root: "/data/_merge",
        branch: "threadwork/session-1/integration",
        baseCommit: "b",
      },
      pushed: false,
    };
  };
}
