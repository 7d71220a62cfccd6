import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackApi, createSlackWebClient } from "../../src/adapters/slack/slack-api.ts";
import { createSlackFiles } from "../../src/adapters/slack/slack-files.ts";
import { createSilentLogger } from "../../src/logger.ts";
import { readSlackFileTool } from "../../src/tools/slack/read-slack-file.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

describe("read_slack_file", () => {
  let fake: FakeSlackServer;
  const runtime = new ScriptedRuntime();
  let sessionId = "";

  beforeAll(async () => {
    fake = await FakeSlackServer.start();
    const outcome = await runtime.handle({
      type: "user-message",
      key: { surface: "slack", conversationKey: "T:C0LOGS:1.0" },
      userId: "U0OWNER",
      text: "look at the log",
      metadata: { channel: "C0LOGS", threadTs: "1.0", teamId: "T" },
    });
    if (outcome.type === "message-accepted") sessionId = outcome.sessionId;
    fake.addFile({
      id: "F0TEXT",
      name: "build.log",
      mimetype: "text/plain",
      content: "error: arm64 linker\n",
      channels: ["C0LOGS"],
    });
    fake.addFile({
      id: "F0BIG",
      name: "huge.log",
      mimetype: "text/plain",
      content: "x".repeat(300 * 1024),
      channels: ["C0LOGS"],
    });
    fake.addFile({
      id: "F0PNG",
      name: "screen.png",
      mimetype: "image/png",
      content: Buffer.from([0x89, 0x50, 0, 1]),
      channels: ["C0LOGS"],
    });
    fake.addFile({
      id: "F0BLOB",
      name: "core.dump",
      mimetype: "application/octet-stream",
      content: Buffer.from([1, 0, 2, 0]),
      channels: ["C0LOGS"],
    });
    fake.addFile({
      id: "F0ELSEWHERE",
      name: "secret.txt",
      mimetype: "text/plain",
      content: "other channel",
      channels: ["C0OTHER"],
    });
    fake.addFile({
      id: "F0NOWHERE",
      name: "hr.txt",
      mimetype: "text/plain",
      content: "salaries",
      channels: [],
    });
  });
  afterAll(async () => {
    await fake.close();
    await new Promise((resolve) => elsewhere?.close(resolve));
  });

  /** Another host: what an app that adds a remote file can point Slack's `url_private` at. */
  let elsewhere: Server | undefined;
  const elsewhereSaw: (string | undefined)[] = [];
  async function startElsewhere(): Promise<string> {
    elsewhere = createServer((request, response) => {
      elsewhereSaw.push(request.headers.authorization);
      response.writeHead(200, { "content-type": "text/plain" });
      response.end("harmless text");
    });
    await new Promise<void>((resolve) => elsewhere?.listen(0, "127.0.0.1", resolve));
    return `http://localhost:${(elsewhere.address() as AddressInfo).port}/remote.txt`;
  }

  function tool() {
    const logger = createSilentLogger();
    const api = createSlackApi({
      client: createSlackWebClient({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger }),
      logger,
    });
    const readFile = readSlackFileTool({
      files: createSlackFiles({ api, botToken: fake.botToken, apiUrl: fake.apiUrl }),
    });
    return (fileId: string) =>
      readFile.execute(readFile.input.parse({ file_id: fileId }), {
        sessionId,
        agentId: "agent_1",
        signal: new AbortController().signal,
        workspace: undefined,
        services: { sessionMetadata: async () => (await runtime.getSession(sessionId))?.metadata ?? {} },
      });
  }

  it("reads a text file attached in the thread, sending the token only to Slack", async () => {
    const read = tool();
    expect(await read("F0TEXT")).toBe("build.log (20 bytes):\nerror: arm64 linker\n");
    expect(fake.fileDownloads.at(-1)).toEqual({ id: "F0TEXT", authorization: `Bearer ${fake.botToken}` });
  });

  it("refuses oversized and binary files with a clear message", async () => {
    const read = tool();
    await expect(read("F0BIG")).rejects.toThrow(/huge\.log is 300 KiB, over the 256 KiB limit/);
    await expect(read("F0PNG")).rejects.toThrow(/screen\.png is a binary file \(image\/png\)/);
    await expect(read("F0BLOB")).rejects.toThrow(/core\.dump is a binary file/);
  });

  it("never sends the bot token to a host that is not Slack's, as a remote file's url_private can name", async () => {
    const url = await startElsewhere();
    for (const [id, mimetype] of [
      ["F0REMOTE", "text/plain"],
      ["F0REMOTE2", "application/octet-stream"],
    ] as const) {
      fake.addFile({ id, name: "notes.txt", mimetype, content: "", channels: ["C0LOGS"], externalUrl: url });
      await expect(tool()(id)).rejects.toThrow(/not stored by Slack/);
    }
    expect(elsewhereSaw).toEqual([]);
  });

  it("the Slack files port sends the token to no other host, whatever its caller says about the file", async () => {
    const saw: (string | undefined)[] = [];
    const server = createServer((request, response) => {
      saw.push(request.headers.authorization);
      response.end("harmless text");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const logger = createSilentLogger();
    const files = createSlackFiles({
      api: createSlackApi({
        client: createSlackWebClient({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger }),
        logger,
      }),
      botToken: fake.botToken,
      apiUrl: fake.apiUrl,
    });
    const url = `http://localhost:${(server.address() as AddressInfo).port}/remote.txt`;
    const forged = {
      id: "F0FORGED",
      name: "notes.txt",
      mimetype: "text/plain",
      size: 10,
      conversations: new Set(["C0LOGS"]),
      url,
      storedBySlack: true,
    };
    await expect(files.download(forged, new AbortController().signal)).rejects.toThrow(/not stored by Slack/);
    await new Promise((resolve) => server.close(resolve));
    expect(saw).toEqual([]);
  });

  it("refuses every file in a session that has no conversation", async () => {
    const logger = createSilentLogger();
    const readFile = readSlackFileTool({
      files: createSlackFiles({
        api: createSlackApi({
          client: createSlackWebClient({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger }),
          logger,
        }),
        botToken: fake.botToken,
        apiUrl: fake.apiUrl,
      }),
    });
    const downloads = fake.fileDownloads.length;
    await expect(
      readFile.execute(readFile.input.parse({ file_id: "F0TEXT" }), {
        sessionId: "ses_terminal",
        agentId: "agent_1",
        signal: new AbortController().signal,
        workspace: undefined,
        services: { sessionMetadata: async () => ({}) },
      }),
    ).rejects.toThrow(/not shared in this session's conversation/);
    expect(fake.fileDownloads).toHaveLength(downloads);
  });

  it("refuses files from other conversations and unknown ids", async () => {
    const read = tool();
    await expect(read("F0ELSEWHERE")).rejects.toThrow(/not shared in this session's conversation/);
    await expect(read("F0NOWHERE")).rejects.toThrow(/not shared in this session's conversation/);
    await expect(read("F0MISSING")).rejects.toThrow(/could not find file F0MISSING \(file_not_found\)/);
  });
});
