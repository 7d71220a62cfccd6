import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { createOpenAIProvider } from "../../src/adapters/providers/openai-provider.ts";
import type { WorkspacesPort } from "../../src/domain/workspaces-port.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import { attachFileTool } from "../../src/tools/workspace/attach-file.ts";
import {
  type FakeLlmRequest,
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { briefOf, isSupervisorRequest, startTestRuntime, testConfig } from "../helpers/runtime-harness.ts";
import { scaled } from "../helpers/time-scale.ts";
import { channel, type Harness, startHarness } from "./support/harness.ts";

const owner = "U0OWNER";
/** A 1×1 PNG: what a screenshot shared in Slack is, byte for byte. */
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const secret = "ghp_0123456789abcdefghijABCDEFGHIJ012345";

function addSharedFiles(fake: FakeSlackServer): void {
  fake.addFile({
    id: "F0SHOT",
    name: "screen.png",
    mimetype: "image/png",
    content: png,
    channels: [channel],
  });
  fake.addFile({
    id: "F0LOG",
    name: "build.log",
    mimetype: "text/plain",
    content: "step 1 ok\nstep 2 FAILED: timeout\nSLACK_BOT_TOKEN=xoxb-1234-5678-abcdefgh\n",
    channels: [channel],
  });
  fake.addFile({
    id: "F0ELSE",
    name: "payroll.csv",
    mimetype: "text/csv",
    content: "alice,100\n",
    channels: ["C0PRIVATE"],
  });
}

/** A reply in the thread sharing files: Slack's `message` event with subtype `file_share`. */
function fileShare(fake: FakeSlackServer, threadTs: string, ts: string, ids: string[]) {
  const names: Record<string, [string, string]> = {
    F0SHOT: ["screen.png", "image/png"],
    F0LOG: ["build.log", "text/plain"],
    F0ELSE: ["payroll.csv", "text/csv"],
  };
  return {
    type: "message",
    subtype: "file_share",
    user: owner,
    text: "here are the files",
    ts,
    thread_ts: threadTs,
    channel,
    channel_type: "channel",
    files: ids.map((id) => ({ id, name: names[id]?.[0], mimetype: names[id]?.[1], size: 10 })),
    team: fake.teamId,
  };
}

async function startSession(harness: Harness, fake: FakeSlackServer, eventId: string, threadTs: string) {
  await harness.event(eventId, {
    type: "app_mention",
    user: owner,
    text: `<@${fake.botUserId}> please look into the failing build`,
    ts: threadTs,
    channel,
  });
  await fake.waitFor(
    () => fake.threadMessages(channel, threadTs).find((message) => message.text.includes("Send the files")),
    15_000,
  );
}

describe("files shared in a thread reach the work, and attachments reach the thread", () => {
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  let runtime: Runtime;
  let harness: Harness;
  let workspaceRoot = "";
  const roots: string[] = [];

  const workspaces: WorkspacesPort = {
    async createWorkspace(request) {
      const root = await mkdtemp(join(tmpdir(), "threadwork-shared-"));
      roots.push(root);
      workspaceRoot = root;
      await mkdir(join(root, ".git", "info"), { recursive: true });
      await writeFile(join(root, "report.txt"), `All green.\nGITHUB_TOKEN=${secret}\n`);
      await writeFile(join(root, "shot.png"), png);
      return {
        repoName: request.repo,
        root,
        branch: `tw/${request.agentId.slice(-6)}`,
        baseCommit: "abc123",
      };
    },
    async finalizeWorkspace(request) {
      return { branch: request.workspace.branch };
    },
  };

  beforeAll(async () => {
    handle = await createTestDatabase("pglite");
    llm = await startFakeLlmServer();
    fake = await FakeSlackServer.start();
    addSharedFiles(fake);
    llm.respondWith((request) => {
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0) return textResponse("Send the files, please.");
        if (request.lastUserText.includes("finished")) return textResponse("The worker is done.");
        if (request.lastToolResults.length > 0) return textResponse("A worker is on it.");
        return toolCallResponse([
          { name: "spawn_agent", input: { title: "Build doctor", brief: "fix the build", repo: "app" } },
        ]);
      }
      if (request.turnIndex === 0) {
        return toolCallResponse([
          { name: "attach_file", input: { path: "report.txt", title: "Build report" } },
          { name: "attach_file", input: { path: "shot.png" } },
        ]);
      }
      return toolCallResponse([{ name: "finish", input: { summary: "Fixed the build." } }]);
    });
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: llm.anthropicBaseUrl,
      workspaces,
      repositories: { names: ["app"], defaultRepository: "app" },
      workerTools: [attachFileTool({ maximumBytes: 1024 * 1024 })],
    });
    harness = await startHarness({ runtime, fake, store: createDatabaseSlackStore(handle.db) });
  }, scaled(30_000));

  afterAll(async () => {
    await harness?.stop();
    await runtime?.stop();
    await fake?.close();
    await llm?.close();
    await handle?.close();
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  const threadTs = "1700030000.000100";
  let supervisorTurn: FakeLlmRequest | undefined;
  let workerFirst: FakeLlmRequest | undefined;

  it(
    "shows a shared image to the Anthropic model as an image block",
    async () => {
      await startSession(harness, fake, "EvStart", threadTs);
      await harness.event(
        "EvFiles",
        fileShare(fake, threadTs, "1700030000.000200", ["F0SHOT", "F0LOG", "F0ELSE"]),
      );
      supervisorTurn = await fake.waitFor(
        () => llm.requests.find((request) => isSupervisorRequest(request) && request.turnIndex === 1),
        15_000,
      );
      const blocks = (supervisorTurn.body.messages as { content: unknown }[]).flatMap((message) =>
        Array.isArray(message.content) ? (message.content as Record<string, unknown>[]) : [],
      );
      // The newest block may also carry the cache breakpoint.
      expect(blocks.filter((block) => block.type === "image")).toMatchObject([
        { type: "image", source: { type: "base64", media_type: "image/png", data: png.toString("base64") } },
      ]);
      // The supervisor is told what was shared, names fenced as data, and what was not taken.
      expect(supervisorTurn.lastUserText).toContain(".threadwork/files/F0LOG-build.log");
      expect(supervisorTurn.lastUserText).toMatch(
        /payroll\.csv.*not taken \(it was not shared in this conversation\)/,
      );
    },
    scaled(30_000),
  );

  it(
    "places a shared log in the worker's workspace and names it in the worker's first message",
    async () => {
      workerFirst = await fake.waitFor(
        () =>
          llm.requests.find(
            (request) => !isSupervisorRequest(request) && briefOf(request).includes("fix the build"),
          ),
        15_000,
      );
      expect(workerFirst.messages[0]?.text).toContain(".threadwork/files/F0LOG-build.log");
      // A token in a shared log is stored and placed redacted, as one pasted into a message is.
      expect(await readFile(join(workspaceRoot, ".threadwork", "files", "F0LOG-build.log"), "utf8")).toBe(
        "step 1 ok\nstep 2 FAILED: timeout\nSLACK_BOT_TOKEN=[REDACTED]\n",
      );
      expect(await readFile(join(workspaceRoot, ".threadwork", "files", "F0SHOT-screen.png"))).toEqual(png);
      expect(await readFile(join(workspaceRoot, ".git", "info", "exclude"), "utf8")).toContain(
        "/.threadwork/files",
      );
    },
    scaled(30_000),
  );

  it("never downloads or places a file shared only in another channel", () => {
    expect(fake.fileDownloads.map((download) => download.id).sort()).toEqual(["F0LOG", "F0SHOT"]);
    expect(fake.fileDownloads.every((download) => download.authorization === `Bearer ${fake.botToken}`)).toBe(
      true,
    );
    expect(workerFirst?.messages[0]?.text).not.toContain("payroll");
  });

  it(
    "uploads a worker's attachments into the thread: text redacted, an image byte for byte",
    async () => {
      const uploads = await fake.waitFor(() => {
        const done = [...fake.uploads.uploads.values()].filter((upload) => upload.completed);
        return done.length === 2 ? done : undefined;
      }, 15_000);
      const report = uploads.find((upload) => upload.filename === "report.txt");
      const shot = uploads.find((upload) => upload.filename === "shot.png");
      expect(report).toMatchObject({ channel, threadTs, title: "Build report" });
      expect(report?.bytes?.toString("utf8")).toContain("All green.");
      expect(report?.bytes?.toString("utf8")).not.toContain(secret);
      expect(shot).toMatchObject({ channel, threadTs });
      expect(shot?.bytes).toEqual(png);
      const shown = fake
        .threadMessages(channel, threadTs)
        .flatMap((message) => message.files ?? [])
        .map((file) => file.name);
      expect(shown).toEqual(expect.arrayContaining(["report.txt", "shot.png"]));
    },
    scaled(30_000),
  );
});

describe("a shared image reaches an OpenAI model as an image_url part", () => {
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  let runtime: Runtime;
  let harness: Harness;

  beforeAll(async () => {
    handle = await createTestDatabase("pglite");
    llm = await startFakeLlmServer();
    fake = await FakeSlackServer.start();
    addSharedFiles(fake);
    llm.respondWith((request) =>
      textResponse(request.turnIndex === 0 ? "Send the files, please." : "I see a screenshot."),
    );
    const config = testConfig();
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: llm.anthropicBaseUrl,
      provider: createOpenAIProvider({ apiKey: "sk-test", baseUrl: llm.openaiBaseUrl }),
      config: {
        ...config,
        models: {
          supervisor: { provider: "openai", model: "gpt-6-sol" },
          worker: { provider: "openai", model: "gpt-6-sol-mini" },
          strong: { provider: "openai", model: "gpt-6-sol" },
        },
      },
    });
    harness = await startHarness({ runtime, fake, store: createDatabaseSlackStore(handle.db) });
  }, scaled(30_000));

  afterAll(async () => {
    await harness?.stop();
    await runtime?.stop();
    await fake?.close();
    await llm?.close();
    await handle?.close();
  });

  it(
    "sends the image as a base64 data URL in the user message's content",
    async () => {
      const threadTs = "1700040000.000100";
      await startSession(harness, fake, "EvOpenStart", threadTs);
      await harness.event("EvOpenFiles", fileShare(fake, threadTs, "1700040000.000200", ["F0SHOT"]));
      const request = await fake.waitFor(
        () => llm.requests.find((candidate) => candidate.api === "openai" && candidate.turnIndex === 1),
        15_000,
      );
      const parts = (request.body.messages as { role: string; content: unknown }[])
        .filter((message) => message.role === "user" && Array.isArray(message.content))
        .flatMap((message) => message.content as Record<string, unknown>[]);
      expect(parts.filter((part) => part.type === "image_url")).toEqual([
        { type: "image_url", image_url: { url: `data:image/png;base64,${png.toString("base64")}` } },
      ]);
    },
    scaled(30_000),
  );
});
