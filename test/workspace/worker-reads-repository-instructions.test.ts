import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { runGit } from "../../src/adapters/git/git-command.ts";
import type { WorkspaceManager } from "../../src/adapters/git/workspace-manager.ts";
import { createWorkspaces } from "../../src/adapters/workspace/create-workspaces.ts";
import { workspaceDescriber } from "../../src/adapters/workspace/describe-workspace.ts";
import { readRepositoryInstructions } from "../../src/adapters/workspace/repository-instructions.ts";
import { createWorkspacesPort } from "../../src/adapters/workspace/workspaces-port.ts";
import { directoriesNamedIn, maxInstructionCharacters } from "../../src/domain/repository-instructions.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import { repositoryOverviewTool } from "../../src/tools/workspace/repository-overview.ts";
import {
  type FakeLlmRequest,
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { isSupervisorRequest, startTestRuntime } from "../helpers/runtime-harness.ts";
import { createSourceRepository, temporaryDirectory } from "./repository-fixtures.ts";

const secret = "OUTSIDE-SECRET-do-not-read";

describe("repository instructions", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let outside: string;
  beforeAll(async () => {
    directory = await temporaryDirectory("instructions");
    outside = join(directory.path, "outside.md");
    await writeFile(outside, `${secret}\n`);
  });
  afterAll(() => directory.remove());

  async function fixture(name: string, files: Record<string, string>): Promise<string> {
    const root = join(directory.path, name);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(root, path, ".."), { recursive: true });
      await writeFile(join(root, path), text);
    }
    await mkdir(root, { recursive: true });
    return root;
  }

  it("names the directories a brief works in, never outside the repository", () => {
    expect(
      directoriesNamedIn(
        "Fix packages/api/src/routes.ts and docs/guide/; see https://example.com/a/b and ../up/x.ts",
      ),
    ).toEqual(["docs", "packages", "docs/guide", "packages/api", "packages/api/src"]);
    expect(directoriesNamedIn("Rename the button")).toEqual([]);
  });

  it("reads the root AGENTS.md and the nested ones of named directories, root first", async () => {
    const root = await fixture("nested", {
      "AGENTS.md": "Root rules: run npm test.",
      "CLAUDE.md": "Claude rules that AGENTS.md replaces.",
      "packages/api/AGENTS.md": "API rules: use zod.",
      "packages/web/AGENTS.md": "Web rules, not named in the brief.",
    });
    const files = await readRepositoryInstructions(root, directoriesNamedIn("Fix packages/api/handler.ts"));
    expect(files.map((file) => [file.path, file.text])).toEqual([
      ["AGENTS.md", "Root rules: run npm test."],
      ["packages/api/AGENTS.md", "API rules: use zod."],
    ]);
  });

  it("falls back to CLAUDE.md, then to .github/copilot-instructions.md", async () => {
    const claude = await fixture("claude", {
      "CLAUDE.md": "Claude rules.",
      ".github/copilot-instructions.md": "Copilot rules.",
    });
    expect((await readRepositoryInstructions(claude, [])).map((file) => file.path)).toEqual(["CLAUDE.md"]);
    const copilot = await fixture("copilot", { ".github/copilot-instructions.md": "Copilot rules." });
    expect(await readRepositoryInstructions(copilot, [])).toEqual([
      { path: ".github/copilot-instructions.md", text: "Copilot rules.", cutCharacters: 0 },
    ]);
    expect(await readRepositoryInstructions(await fixture("none", { "README.md": "hi" }), [])).toEqual([]);
  });

  it("never reads a symlinked AGENTS.md or a symlinked directory that leads outside the workspace", async () => {
    const root = await fixture("symlinked", { "CLAUDE.md": "Claude rules." });
    await symlink(outside, join(root, "AGENTS.md"));
    await symlink(directory.path, join(root, "linked"));
    await writeFile(join(directory.path, "AGENTS.md"), `${secret} in a directory\n`);
    const files = await readRepositoryInstructions(root, directoriesNamedIn("Edit linked/file.ts"));
    expect(JSON.stringify(files)).not.toContain(secret);
    // The link counts as no AGENTS.md at all, so the fallback applies.
    expect(files.map((file) => file.path)).toEqual(["CLAUDE.md"]);
    // A link that stays inside is not followed either: the instructions are the file itself.
    const inside = await fixture("inside-link", { "docs/rules.md": "Linked rules." });
    await symlink(join(inside, "docs/rules.md"), join(inside, "AGENTS.md"));
    expect(await readRepositoryInstructions(inside, [])).toEqual([]);
  });

  it("bounds the instructions and says how much was cut", async () => {
    const root = await fixture("large", {
      "AGENTS.md": "a".repeat(40_000),
      "packages/api/AGENTS.md": "short api rules",
    });
    const files = await readRepositoryInstructions(root, ["packages", "packages/api"]);
    const total = files.reduce((sum, file) => sum + file.text.length, 0);
    expect(total).toBeLessThanOrEqual(maxInstructionCharacters);
    expect(files[1]).toEqual({ path: "packages/api/AGENTS.md", text: "short api rules", cutCharacters: 0 });
    expect(files[0]?.cutCharacters).toBe(40_000 - (files[0]?.text.length ?? 0));
  });
});

describe.each(backends)("a worker's first message on %s", (backend) => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;
  let manager: WorkspaceManager;
  let baseCommit: string;

  beforeAll(async () => {
    directory = await temporaryDirectory("first-message");
    const outside = join(directory.path, "outside.md");
    await writeFile(outside, `${secret}\n`);
    const source = join(directory.path, "source");
    baseCommit = await createSourceRepository(source, {
      "README.md": "# Demo\nA tiny package.\n",
      "AGENTS.md": "Run `npm test` before finishing. Use tabs.\n",
      "packages/api/AGENTS.md": "In the API, validate input with zod.\n",
      "packages/api/handler.ts": "export const handler = 1;\n",
      "packages/web/page.ts": "export const page = 1;\n",
    });
    // A link committed to the repository, pointing outside any workspace.
    await symlink(outside, join(source, "packages/web/AGENTS.md"));
    await runGit(["add", "-A"], { cwd: source });
    await runGit(["commit", "-q", "-m", "Add a link"], { cwd: source });
    baseCommit = (await runGit(["rev-parse", "HEAD"], { cwd: source })).stdout.trim();
    const workspaces = createWorkspaces({
      repositories: [{ name: "demo", url: source }],
      token: undefined,
      githubToken: undefined,
      dataDir: join(directory.path, "data"),
      push: false,
      logger: pino({ level: "silent" }),
      allowCommands: ["npm test"],
    });
    manager = workspaces.manager;
    handle = await createTestDatabase(backend);
    server = await startFakeLlmServer();
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: server.anthropicBaseUrl,
      workerTools: createWorkspaceTools(workspaces.toolOptions),
      supervisorTools: [
        repositoryOverviewTool({
          repositoryNames: () => manager.repositoryNames(),
          overviewOf: (repoName) => manager.repositoryOverview(repoName),
        }),
      ],
      workspaces: {
        ...createWorkspacesPort(manager),
        describeWorkspace: workspaceDescriber(() => workspaces.toolOptions),
      },
      repositories: { names: ["demo"], defaultRepository: "demo" },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
    await server?.close();
    await directory?.remove();
  });

  it("carries the environment and the repository's AGENTS.md, fenced; the supervisor sees an overview", async () => {
    const brief = "Fix packages/api/handler.ts and packages/web/page.ts; keep the diff small.";
    server.respondWith((request) => {
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0)
          return toolCallResponse([{ name: "repository_overview", input: { repo: "demo" } }]);
        if (request.turnIndex === 1) {
          return toolCallResponse([{ name: "spawn_agent", input: { title: "Fixer", brief, repo: "demo" } }]);
        }
        return textResponse(request.lastUserText.includes("finished") ? "Done." : "Started.");
      }
      return toolCallResponse([{ name: "finish", input: { summary: "Nothing to change." } }]);
    });
    const surface = createMemorySurface(runtime, { userId: "owner" });
    await surface.send("fix the handler");
    await surface.waitFor((event) => event.type === "reply-completed" && event.text === "Done.", {
      timeoutMs: 20_000,
    });

    const worker = server.requests.find((request) => !isSupervisorRequest(request)) as FakeLlmRequest;
    const first = worker.messages[0];
    const blocks = (first?.raw ?? []) as Array<{ type: string; text?: string }>;
    // The brief is its own first block, so the cached prefix is the same for every worker with it.
    expect(blocks[0]?.text).toBe(brief);
    const text = first?.text ?? "";
    expect(text).toContain("- Repository: demo.");
    expect(text).toMatch(/- Branch: threadwork\/[^,]+, started from main at commit [0-9a-f]{40}\./);
    expect(text).toContain(`at commit ${baseCommit}`);
    expect(text).toContain("read_file");
    expect(text).toMatch(/sandbox with the network off/);
    expect(text).toContain("These run without approval: npm test.");
    expect(text).toContain("Check command: none is configured.");
    expect(text).toContain(
      '<untrusted_data source="repository file AGENTS.md">\nRun `npm test` before finishing. Use tabs.\n\n</untrusted_data>',
    );
    expect(text).toContain(
      '<untrusted_data source="repository file packages/api/AGENTS.md">\nIn the API, validate input with zod.\n\n</untrusted_data>',
    );
    expect(text).not.toContain(secret);
    expect(text.indexOf("repository file AGENTS.md")).toBeLessThan(text.indexOf("packages/api/AGENTS.md"));

    const overview = server.requests.find(
      (request) => isSupervisorRequest(request) && request.turnIndex === 1,
    );
    const result = overview?.lastToolResults[0]?.content ?? "";
    expect(result).toContain(`Repository demo: default branch main, commit ${baseCommit.slice(0, 12)}.`);
    expect(result).toContain("  packages/api/");
    expect(result).toContain("README.md (head):\n# Demo");
    expect(result).toContain("AGENTS.md (the repository's instructions for agents");
    expect(result).toContain("Use tabs.");
    expect(result).not.toContain(secret);
    surface.close();
  });
});
