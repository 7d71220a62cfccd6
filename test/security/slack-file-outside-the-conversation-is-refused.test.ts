import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { createSlackApi, createSlackWebClient } from "../../src/adapters/slack/slack-api.ts";
import { createSlackFiles } from "../../src/adapters/slack/slack-files.ts";
import { createSilentLogger } from "../../src/logger.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import { readSlackFileTool } from "../../src/tools/slack/read-slack-file.ts";
import {
  type FakeLlmServer,
  type FakeToolResult,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { isSupervisorRequest, startTestRuntime } from "../helpers/runtime-harness.ts";
import { channel, type Harness, startHarness } from "../slack/support/harness.ts";

// A channel member names file ids in a mention; the model (steered by them) tries to read a
// file whose channel list Slack returns empty, and one shared elsewhere. Only the file shared
// in the session's own conversation may be read.
describe.each(backends)("read_slack_file fails closed on %s", (backend) => {
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  let runtime: Runtime;
  let harness: Harness;
  let results: FakeToolResult[] = [];

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    llm = await startFakeLlmServer();
    fake = await FakeSlackServer.start();
    fake.addFile({
      id: "F0HERE",
      name: "build.log",
      mimetype: "text/plain",
      content: "ok\n",
      channels: [channel],
    });
    fake.addFile({
      id: "F0EMPTY",
      name: "hr.txt",
      mimetype: "text/plain",
      content: "salaries\n",
      channels: [],
    });
    fake.addFile({
      id: "F0ELSEWHERE",
      name: "secret.txt",
      mimetype: "text/plain",
      content: "other channel\n",
      channels: ["C0PRIVATE"],
    });
    const logger = createSilentLogger();
    const api = createSlackApi({
      client: createSlackWebClient({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger }),
      logger,
    });
    const readFile = readSlackFileTool({
      files: createSlackFiles({ api, botToken: fake.botToken, apiUrl: fake.apiUrl }),
    });
    llm.respondWith((request) => {
      if (!isSupervisorRequest(request)) return textResponse("?");
      if (request.turnIndex === 0) {
        return toolCallResponse(
          ["F0EMPTY", "F0ELSEWHERE", "F0HERE"].map((id) => ({
            name: "read_slack_file",
            input: { file_id: id },
          })),
        );
      }
      results = request.lastToolResults;
      return textResponse("Read what I could.");
    });
    runtime = await startTestRuntime({
      handle,
      anthropicBaseUrl: llm.anthropicBaseUrl,
      supervisorTools: [readFile],
    });
    harness = await startHarness({ runtime, fake, store: createDatabaseSlackStore(handle.db) });
  });
  afterAll(async () => {
    await harness?.stop();
    await runtime?.stop();
    await fake?.close();
    await llm?.close();
    await handle?.close();
  });

  it("refuses a file with an empty channel list and one from elsewhere, and reads the one shared here", async () => {
    const threadTs = "1700020000.000100";
    await harness.event("EvFiles", {
      type: "app_mention",
      user: "U0MEMBER",
      text: `<@${fake.botUserId}> summarise F0EMPTY, F0ELSEWHERE and F0HERE`,
      ts: threadTs,
      channel,
    });
    await fake.waitFor(
      () =>
        fake.threadMessages(channel, threadTs).find((message) => message.text.includes("Read what I could")),
      15_000,
    );
    const refusal = (id: string) =>
      `File ${id} was not shared in this session's conversation, so it cannot be read here. Ask the user to attach it in this thread.`;
    expect(results).toMatchObject([
      { isError: true, content: refusal("F0EMPTY") },
      { isError: true, content: refusal("F0ELSEWHERE") },
      { isError: false, content: "build.log (3 bytes):\nok\n" },
    ]);
    expect(fake.fileDownloads.map((download) => download.id)).toEqual(["F0HERE"]);
  });
});
