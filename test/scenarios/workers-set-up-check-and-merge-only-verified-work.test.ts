import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAgent } from "../../src/adapters/database/agents.ts";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { detectSandbox } from "../../src/adapters/process/sandbox-probe.ts";
import { type AssembledRuntime, assembleRuntime } from "../../src/application/assemble-runtime.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { parseWorkspace } from "../../src/domain/tool.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import { type FakeGitRemote, startFakeGitRemote } from "../fakes/fake-git-remote.ts";
import {
  type FakeLlmRequest,
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { type FakeNpmRegistry, startFakeNpmRegistry } from "../fakes/fake-npm-registry.ts";
import { FakeSlackServer, realisticSlackDelayMs } from "../fakes/fake-slack-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import {
  briefOf,
  isSupervisorRequest,
  lastCallName,
  testRuntimeOptions,
} from "../helpers/runtime-harness.ts";
import { scaled } from "../helpers/time-scale.ts";
import { channel, type Harness, startHarness } from "../slack/support/harness.ts";
import { createSourceRepository, git, temporaryDirectory } from "../workspace/repository-fixtures.ts";
import { buggyLine, fixedLine, fixtureDependency, nodePackageFiles } from "./support/node-package-fixture.ts";

const owner = "U0OWNER";
const token = "git-token-verify-7c2e";
const brokenLine = "items.reduce((sum, item) => add(sum, item), 2)";

/** Agent ids from this conversation's spawn_agent results, in order. */
function spawnedAgentIds(request: FakeLlmRequest): string[] {
  return request.messages.flatMap((message) =>
    message.toolResults.flatMap((result) => {
      const match = /"agent_id":"([^"]+)"/.exec(result.content);
      return match?.[1] ? [match[1]] : [];
    }),
  );
}

/**
 * The must-show scenario of issue 12 on a real Node package (failing unit test, one dependency
 * from a local npm registry), through the real Bolt receiver, runtime, sandbox and git remote:
 * setup installs dependencies before the first turn, `finish` runs the check, the results
 * message shows it, a second worker restores the setup cache, a worker that breaks the test is
 * told, and `merge_agents` leaves its branch out.
 */
describe("workers set up their environment, check their change and merge only verified work", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let registry: FakeNpmRegistry;
  let remote: FakeGitRemote;
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  let assembled: AssembledRuntime;
  let harness: Harness;
  let dataDir: string;
  /** What each worker saw on its turns, by the first word of its brief. */
  const seen = new Map<string, FakeLlmRequest[]>();
  /** Whether `node_modules/fixture-math` existed in the worker's workspace at its first turn. */
  const dependenciesAtFirstTurn = new Map<string, boolean>();

  const bare = (name: string) => join(directory.path, "remote", `${name}.git`);

  /** The working copy whose directory starts with `slug`, in any session. */
  function workspaceRoot(slug: string): string | undefined {
    const sessions = join(dataDir, "workspaces");
    for (const session of existsSync(sessions) ? readdirSync(sessions) : []) {
      const found = readdirSync(join(sessions, session)).find(
        (entry) => entry.startsWith(slug) && !entry.includes("."),
      );
      if (found) return join(sessions, session, found);
    }
    return undefined;
  }

  /** fixture-math in the working copy, or in the cache entry a restored layer mounts there for commands. */
  function dependenciesPresent(root: string): boolean {
    if (existsSync(join(root, "node_modules", "fixture-math", "index.js"))) return true;
    const record = join(`${root}.layers`, "layers.json");
    if (!existsSync(record)) return false;
    const { layers } = JSON.parse(readFileSync(record, "utf8")) as {
      layers: Array<{ name: string; lower: string }>;
    };
    return layers.some(
      (layer) => layer.name === "node_modules" && existsSync(join(layer.lower, "fixture-math", "index.js")),
    );
  }

  function respond(request: FakeLlmRequest) {
    if (isSupervisorRequest(request)) {
      const result = request.lastToolResults[0];
      if (result) {
        if (lastCallName(request) === "spawn_agent") return textResponse("Started.");
        return textResponse(`Merge report: ${result.content}`);
      }
      const text = request.lastUserText;
      const [fixId, breakId] = spawnedAgentIds(request);
      if (text.includes('"Break total"') && text.includes("finished") && fixId && breakId) {
        return toolCallResponse([{ name: "merge_agents", input: { agent_ids: [fixId, breakId] } }]);
      }
      if (text.includes('"Fix total"') && text.includes("finished")) {
        return toolCallResponse([
          {
            name: "spawn_agent",
            input: { title: "Break total", brief: "break: start the total at 2", repo: "widgets" },
          },
        ]);
      }
      if (text.includes("fix the total")) {
        return toolCallResponse([
          {
            name: "spawn_agent",
            input: { title: "Fix total", brief: "fix: make total([1, 2, 3]) 6", repo: "widgets" },
          },
        ]);
      }
      if (text.includes("look at gadgets")) {
        return toolCallResponse([
          {
            name: "spawn_agent",
            input: { title: "Gadgets", brief: "gadgets: look around", repo: "gadgets" },
          },
        ]);
      }
      return textResponse("Done.");
    }
    const kind = briefOf(request).split(":")[0] ?? "";
    seen.set(kind, [...(seen.get(kind) ?? []), request]);
    if (request.turnIndex === 0) {
      const root = workspaceRoot(kind === "fix" ? "fix-total" : kind === "break" ? "break-total" : "gadgets");
      dependenciesAtFirstTurn.set(kind, root !== undefined && dependenciesPresent(root));
    }
    if (kind === "gadgets") {
      if (request.turnIndex === 0) {
        return toolCallResponse([{ name: "read_tool_output", input: { tool_call_id: "environment-setup" } }]);
      }
      return toolCallResponse([{ name: "finish", input: { summary: "Looked around." } }]);
    }
    if (request.turnIndex === 0) {
      const replacement = kind === "fix" ? fixedLine : brokenLine;
      return toolCallResponse([
        { name: "edit_file", input: { path: "src/total.js", old: buggyLine, new: replacement } },
      ]);
    }
    return toolCallResponse([{ name: "finish", input: { summary: `${kind}: changed src/total.js` } }]);
  }

  beforeAll(async () => {
    // Setup and checks run only inside the sandbox: CI has bubblewrap.
    expect((await detectSandbox("required")).state).toBe("active");
    directory = await temporaryDirectory("verified-work");
    dataDir = join(directory.path, "data");
    registry = await startFakeNpmRegistry([fixtureDependency]);
    await createSourceRepository(join(directory.path, "source", "widgets"), nodePackageFiles(registry));
    await createSourceRepository(join(directory.path, "source", "gadgets"), { "README.md": "# Gadgets\n" });
    for (const name of ["widgets", "gadgets"]) {
      await git(directory.path, "clone", "-q", "--bare", join(directory.path, "source", name), bare(name));
    }
    remote = await startFakeGitRemote({ projectRoot: join(directory.path, "remote"), token });
    handle = await createTestDatabase("postgres");
    llm = await startFakeLlmServer();
    llm.respondWith(respond);
    fake = await FakeSlackServer.start(undefined, { responseDelayMs: realisticSlackDelayMs });
    const file = {
      repositories: {
        widgets: {
          url: remote.url("widgets.git"),
          setup: { command: "npm ci" },
          check: { command: "npm test", retries: 1 },
          network: "off",
        },
        gadgets: {
          url: remote.url("gadgets.git"),
          setup: { command: 'echo "npm error 503 Service Unavailable: registry.example" >&2; exit 2' },
        },
      },
    };
    const config = loadConfig(
      {
        ANTHROPIC_API_KEY: "sk-ant-test",
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
        GIT_TOKEN: token,
        THREADWORK_DATA_DIR: dataDir,
      },
      ["provider"],
      { file: { path: join(directory.path, "threadwork.config.json"), text: JSON.stringify(file) } },
    );
    assembled = assembleRuntime({
      config,
      database: handle,
      logger: pino({ level: "silent" }),
      runtimeOptions: testRuntimeOptions,
    });
    harness = await startHarness({
      runtime: assembled.runtime,
      fake,
      store: createDatabaseSlackStore(handle.db),
    });
    await assembled.runtime.start();
  });

  afterAll(async () => {
    await harness?.stop();
    await assembled?.runtime.stop();
    await fake?.close();
    await llm?.close();
    await handle?.close();
    await remote?.close();
    await registry?.close();
    await directory?.remove();
  });

  const posted = (threadTs: string, prefix: string) => fake.latestThreadMessage(channel, threadTs, prefix);
  const tarballFetches = () => registry.requests.filter((path) => path.endsWith(".tgz")).length;

  it("installs before the first turn, checks before finishing, reuses the cache and merges only what passed", {
    timeout: scaled(120_000),
  }, async () => {
    const threadTs = "1700000100.000100";
    await harness.event("EvVerify1", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> fix the total`,
      ts: threadTs,
      channel,
    });
    const report = await fake.waitFor(() => posted(threadTs, "Merge report"), 90_000);
    const session = await assembled.runtime.findSession({
      surface: "slack",
      conversationKey: `${fake.teamId}:${channel}:${threadTs}`,
    });
    const agents = (await assembled.runtime.listAgents(session?.id ?? "")).filter(
      (agent) => agent.role === "worker",
    );
    const fix = agents.find((agent) => agent.title === "Fix total");
    const broken = agents.find((agent) => agent.title === "Break total");

    // Setup ran before the first turn, and the first message says how it went.
    expect(dependenciesAtFirstTurn.get("fix")).toBe(true);
    const fixFirst = seen.get("fix")?.[0]?.messages[0]?.text ?? "";
    expect(fixFirst).toContain("fix: make total([1, 2, 3]) 6");
    expect(fixFirst).toContain("environment-setup");
    expect(fixFirst).toMatch(/`npm ci` passed in [\d.]+ s/);
    expect(fixFirst).toContain("finish runs `npm test` first");
    // ... and carries the repository's own instructions, fenced as data.
    const fixOpening =
      (seen.get("fix")?.[0]?.messages[0]?.text ?? "") + JSON.stringify(seen.get("fix")?.[0]?.messages[0]);
    expect(fixOpening).toContain("Keep `src/total.js` free of dependencies but fixture-math.");

    // finish ran the check, which passed; the result, the pushed branch and Slack show it.
    expect(fix?.status).toBe("done");
    expect(fix?.result?.check).toMatchObject({ status: "passed", command: "npm test", exitCode: 0 });
    const fixBranch = String(fix?.result?.branch);
    expect(fix?.result?.pushed).toBe(true);
    expect(await git(bare("widgets"), "show", `${fixBranch}:src/total.js`)).toContain(fixedLine);
    // The results message after the merge covers both workers.
    const results = await fake.waitFor(() => posted(threadTs, "Results: 2 agents"), 30_000);
    const resultText = JSON.stringify(results?.blocks);
    expect(resultText).toMatch(/Fix total\*.*check passed \([\d.]+ s\)/);
    expect(resultText).toMatch(/Break total\*.*check failed \([\d.]+ s\)/);
    // So does the crew board, once it has caught up with both.
    const board = await fake.waitFor(() => {
      const message = posted(threadTs, "Crew:");
      const text = JSON.stringify(message?.blocks ?? []);
      return text.includes("check passed") && text.includes("check failed") ? text : undefined;
    }, 30_000);
    expect(board).toMatch(/Fix total.*check passed/);

    // The second worker restored the setup cache: nothing was fetched again, dependencies were there.
    expect(dependenciesAtFirstTurn.get("break")).toBe(true);
    expect(tarballFetches()).toBe(1);
    expect(seen.get("break")?.[0]?.messages[0]?.text).toMatch(
      /`npm ci` restored from the setup cache in [\d.]+ s/,
    );
    const breakRow = await getAgent(handle.db, broken?.id ?? "");
    expect(parseWorkspace(breakRow?.workspace)?.setup).toMatchObject({ status: "passed", source: "cache" });

    // The worker that broke the test was told, once (retries: 1), then finished with the failure recorded.
    const breakTurns = seen.get("break") ?? [];
    const told = breakTurns[2]?.lastToolResults[0];
    expect(told?.isError).toBe(true);
    expect(told?.content).toContain("The check failed: `npm test` failed (exit code 1");
    expect(told?.content).toMatch(/8 !== 6|Expected values to be strictly equal/);
    expect(broken?.status).toBe("done");
    expect(broken?.result?.check).toMatchObject({ status: "failed", failedBefore: 1 });

    // merge_agents merged the verified branch only and said why it left the other out.
    expect(report?.text).toContain(`Merged cleanly: ${fixBranch}`);
    expect(report?.text).toContain(`Left out, its check did not pass: ${String(broken?.result?.branch)}`);
    const integration = `threadwork/${session?.id}/integration`;
    const merged = await git(bare("widgets"), "show", `${integration}:src/total.js`);
    expect(merged).toContain(fixedLine);
    expect(merged).not.toContain(brokenLine);
  });

  it("tells the worker and the thread when setup fails", { timeout: scaled(90_000) }, async () => {
    const threadTs = "1700000200.000100";
    await harness.event("EvVerify2", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> look at gadgets`,
      ts: threadTs,
      channel,
    });
    const warning = await fake.waitFor(() => posted(threadTs, "Setup of gadgets"), 60_000);
    expect(JSON.stringify(warning?.blocks)).toContain("exit code 2");
    expect(JSON.stringify(warning?.blocks)).toContain("npm error 503 Service Unavailable");
    await fake.waitFor(() => seen.get("gadgets")?.[0], 60_000);
    const first = seen.get("gadgets")?.[0]?.messages[0]?.text ?? "";
    expect(first).toContain("gadgets: look around");
    expect(first).toMatch(/failed: exit code 2 after [\d.]+ s/);
    expect(first).toContain("npm error 503 Service Unavailable");
    expect(first).toContain('read_tool_output {\\"tool_call_id\\": \\"environment-setup\\"}');
    // The whole output is the worker's to read.
    const read = await fake.waitFor(() => seen.get("gadgets")?.[1]?.lastToolResults[0], 60_000);
    expect(read.isError).toBe(false);
    expect(read.content).toContain("npm error 503 Service Unavailable: registry.example");
  });
});
