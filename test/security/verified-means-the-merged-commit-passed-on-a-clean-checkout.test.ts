import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectSandbox } from "../../src/adapters/process/sandbox-probe.ts";
import { type AssembledRuntime, assembleRuntime } from "../../src/application/assemble-runtime.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import type { AgentSnapshot } from "../../src/domain/agents.ts";
import type { CheckOutcome } from "../../src/domain/environment.ts";
import {
  type FakeLlmRequest,
  type FakeLlmServer,
  type FakeToolCall,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { type FakeNpmRegistry, startFakeNpmRegistry } from "../fakes/fake-npm-registry.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import {
  briefOf,
  isSupervisorRequest,
  lastCallName,
  testRuntimeOptions,
} from "../helpers/runtime-harness.ts";
import { scaled } from "../helpers/time-scale.ts";
import { fixtureDependency, nodePackageFiles } from "../scenarios/support/node-package-fixture.ts";
import { createSourceRepository, git, temporaryDirectory } from "../workspace/repository-fixtures.ts";

/**
 * With the sum starting at 1, `total([1, 2, 3])` is 7 and the fixture's test fails. This `add`
 * drops the first sum it is given, so the test passes in a working copy that has it installed.
 */
const patchedDependency = [
  "let first = true;",
  "exports.add = (left, right) => {",
  "  if (first) { first = false; return right; }",
  "  return left + right;",
  "};",
  "",
].join("\n");

/** Each worker's scripted turns, by the first word of its brief. */
const plays: Record<string, FakeToolCall[][]> = {
  // A safe tool edits an installed dependency, which no commit carries.
  patch: [
    [
      {
        name: "write_file",
        input: { path: "node_modules/fixture-math/index.js", content: patchedDependency },
      },
      { name: "write_file", input: { path: "NOTES.md", content: "The total is right now.\n" } },
    ],
    [{ name: "finish", input: { summary: "patch: the total is right" } }],
  ],
  // An allow-listed command leaves npm configuration in the workspace's persistent home. The lint
  // script is the repository's own; the worker changes only what it runs, so no manifest changes.
  home: [
    [
      {
        name: "write_file",
        input: {
          path: "scripts/lint.js",
          content:
            'require("node:fs").appendFileSync(require("node:os").homedir() + "/.npmrc", "script-shell=/bin/true\\n");\n',
        },
      },
    ],
    [{ name: "run_command", input: { command: "npm run lint" } }],
    [{ name: "finish", input: { summary: "home: made the lint script write npm settings" } }],
  ],
};

/** The fixture package with a lint script of its own that runs a committed file. */
function withLintScript(files: Record<string, string>): Record<string, string> {
  const manifest = JSON.parse(files["package.json"] ?? "{}");
  manifest.scripts = { ...manifest.scripts, lint: "node scripts/lint.js" };
  return {
    ...files,
    "package.json": `${JSON.stringify(manifest, null, 2)}\n`,
    "scripts/lint.js": "// No rules yet.\n",
  };
}

type FinishedResult = { branch?: string; commit?: string; check?: CheckOutcome };

/**
 * Finding 2 of issue 19: "check passed" must mean the commit that is merged passes its check
 * on a clean checkout with a fresh home, not that the worker's mutable working copy did. Two
 * workers make the fixture's failing test pass in their own workspace only, one by patching an
 * installed dependency with `write_file`, one by planting `script-shell=/bin/true` in its
 * home's `.npmrc` through an allow-listed command. Both finish with the check failed, and
 * `merge_agents` merges neither.
 */
describe("verified means the merged commit passed on a clean checkout", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let registry: FakeNpmRegistry;
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  let llm: FakeLlmServer;
  let assembled: AssembledRuntime;
  let mergeReport: string | undefined;
  let mergeAsked = false;
  const bare = () => join(directory.path, "remote", "widgets.git");

  function respond(request: FakeLlmRequest) {
    if (isSupervisorRequest(request)) {
      const result = request.lastToolResults[0];
      if (result && lastCallName(request) === "merge_agents") {
        mergeReport = result.content;
        return textResponse("Merged what was verified.");
      }
      if (result) return textResponse("Started.");
      const ids = request.messages.flatMap((message) =>
        message.toolResults.flatMap((toolResult) => {
          const match = /"agent_id":"([^"]+)"/.exec(toolResult.content);
          return match?.[1] ? [match[1]] : [];
        }),
      );
      if (request.turnIndex === 0) {
        return toolCallResponse([
          { name: "spawn_agent", input: { title: "Patch", brief: "patch: fix the total", repo: "widgets" } },
          {
            name: "spawn_agent",
            input: { title: "Home", brief: "home: make the lint script write npm settings", repo: "widgets" },
          },
        ]);
      }
      const conversation = request.messages.map((message) => message.text).join("\n");
      const bothFinished = ['"Patch"', '"Home"'].every((title) =>
        new RegExp(`${title}[^\n]*finished`).test(conversation),
      );
      if (ids.length === 2 && bothFinished && !mergeAsked) {
        mergeAsked = true;
        return toolCallResponse([{ name: "merge_agents", input: { agent_ids: ids } }]);
      }
      return textResponse("Waiting.");
    }
    const kind = briefOf(request).split(":")[0] ?? "";
    const calls = plays[kind]?.[request.turnIndex];
    return calls ? toolCallResponse(calls) : textResponse("Done.");
  }

  beforeAll(async () => {
    expect((await detectSandbox("required")).state).toBe("active");
    directory = await temporaryDirectory("clean-checkout");
    registry = await startFakeNpmRegistry([fixtureDependency]);
    await createSourceRepository(
      join(directory.path, "source", "widgets"),
      withLintScript(nodePackageFiles(registry)),
    );
    await git(directory.path, "clone", "-q", "--bare", join(directory.path, "source", "widgets"), bare());
    handle = await createTestDatabase("postgres");
    llm = await startFakeLlmServer();
    llm.respondWith(respond);
    const file = {
      repositories: {
        widgets: {
          url: bare(),
          setup: { command: "npm ci" },
          check: { command: "npm test", retries: 0 },
          allowCommands: ["npm run lint"],
          network: "off",
        },
      },
    };
    const config = loadConfig(
      {
        ANTHROPIC_API_KEY: "sk-ant-test",
        ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
        THREADWORK_DATA_DIR: join(directory.path, "data"),
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
    await assembled.runtime.start();
  });

  afterAll(async () => {
    await assembled?.runtime.stop();
    await llm?.close();
    await handle?.close();
    await registry?.close();
    await directory?.remove();
  });

  it("records the check as failed for work that passes only in the worker's own state, and merges none of it", {
    timeout: scaled(300_000),
  }, async () => {
    const surface = createMemorySurface(assembled.runtime);
    await surface.send("fix the total two ways");
    const finished = new Map<string, AgentSnapshot>();
    for (let count = 0; count < 2; count += 1) {
      const event = await surface.waitFor(
        (candidate) =>
          candidate.type === "agent-finished" &&
          candidate.agent.role === "worker" &&
          !finished.has(candidate.agent.title),
        { timeoutMs: 240_000 },
      );
      if (event.type === "agent-finished") finished.set(event.agent.title, event.agent);
    }
    const deadline = Date.now() + 240_000;
    while (mergeReport === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    surface.close();

    const patch = finished.get("Patch")?.result as FinishedResult | undefined;
    const home = finished.get("Home")?.result as FinishedResult | undefined;
    expect(patch?.check).toMatchObject({ status: "failed", command: "npm test", exitCode: 1 });
    expect(String(patch?.check?.summary)).toMatch(/7 !== 6|Expected values to be strictly equal/);
    expect(home?.check).toMatchObject({ status: "failed", command: "npm test", exitCode: 1 });
    expect(String(home?.check?.summary)).toMatch(/7 !== 6|Expected values to be strictly equal/);
    // Each verdict names the commit it was reached on: the one the branch finished at.
    expect(patch?.check?.commit).toBe(patch?.commit);
    expect(home?.check?.commit).toBe(home?.commit);

    expect(mergeReport).toContain("Nothing was merged.");
    expect(mergeReport).toContain(`Left out, its check did not pass: ${String(patch?.branch)}`);
    expect(mergeReport).toContain(`Left out, its check did not pass: ${String(home?.branch)}`);
  });
});
