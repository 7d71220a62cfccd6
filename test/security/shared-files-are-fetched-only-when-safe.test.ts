import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchSharedFiles } from "../../src/adapters/slack/shared-files.ts";
import { createSlackApi, createSlackWebClient } from "../../src/adapters/slack/slack-api.ts";
import { createSlackFiles } from "../../src/adapters/slack/slack-files.ts";
import { createSilentLogger } from "../../src/logger.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";

const channel = "C0HERE";
/** A 1×1 PNG. */
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
/** The same PNG whose header claims 20,000 pixels wide: Anthropic would refuse it on every turn. */
const widePng = Buffer.from(png);
widePng.writeUInt32BE(20_000, 16);

// Files named in a message event are attacker data: each must be shared here, stored by Slack,
// within the limit, and an "image" must be one by its bytes, before anything reaches a model.
describe("files shared with a message are fetched only when safe", () => {
  let fake: FakeSlackServer;
  let fetchFiles: (ids: string[], maximumBytes?: number) => ReturnType<typeof fetchSharedFiles>;

  beforeAll(async () => {
    fake = await FakeSlackServer.start();
    fake.addFile({
      id: "F0FAKEIMG",
      name: "x.png",
      mimetype: "image/png",
      content: "not a png",
      channels: [channel],
    });
    fake.addFile({
      id: "F0REALIMG",
      name: "y.txt",
      mimetype: "text/plain",
      content: png,
      channels: [channel],
    });
    fake.addFile({
      id: "F0WIDE",
      name: "wide.png",
      mimetype: "image/png",
      content: widePng,
      channels: [channel],
    });
    fake.addFile({
      id: "F0BIG",
      name: "big.log",
      mimetype: "text/plain",
      content: "x".repeat(5000),
      channels: [channel],
    });
    fake.addFile({
      id: "F0REMOTE",
      name: "remote.txt",
      mimetype: "text/plain",
      content: "remote",
      channels: [channel],
      externalUrl: "https://attacker.example/steal",
    });
    for (let index = 0; index < 11; index++) {
      fake.addFile({
        id: `F0MANY${index}`,
        name: `${index}.txt`,
        mimetype: "text/plain",
        content: "a",
        channels: [channel],
      });
    }
    const logger = createSilentLogger();
    const api = createSlackApi({
      client: createSlackWebClient({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger }),
      logger,
    });
    const files = createSlackFiles({ api, botToken: fake.botToken, apiUrl: fake.apiUrl });
    fetchFiles = (ids, maximumBytes = 1024) =>
      fetchSharedFiles(
        ids.map((id) => ({ id })),
        { files, channel, maximumBytes, signal: new AbortController().signal },
      );
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("treats an image by its bytes: a fake PNG is a file, a PNG named .txt is an image", async () => {
    const [fakeImage, realImage] = await fetchFiles(["F0FAKEIMG", "F0REALIMG"]);
    expect(fakeImage).toMatchObject({ kind: "file", mediaType: "application/octet-stream" });
    expect(realImage).toMatchObject({ kind: "image", mediaType: "image/png", data: png.toString("base64") });
  });

  it("keeps an image too wide for a provider as a file, never as an image a model is sent", async () => {
    const [wide] = await fetchFiles(["F0WIDE"]);
    expect(wide).toMatchObject({ kind: "file", mediaType: "application/octet-stream" });
  });

  it("skips a file over the limit and a remote file without downloading either", async () => {
    const before = fake.fileDownloads.length;
    const [big, remote] = await fetchFiles(["F0BIG", "F0REMOTE"]);
    expect(big).toMatchObject({ kind: "skipped", reason: "it is over the 1 KB limit" });
    expect(remote).toMatchObject({ kind: "skipped", reason: expect.stringContaining("another site") });
    expect(big?.data).toBeUndefined();
    expect(fake.fileDownloads.length).toBe(before);
  });

  it("takes at most 10 files of one message", async () => {
    const shared = await fetchFiles(Array.from({ length: 11 }, (_, index) => `F0MANY${index}`));
    expect(shared.filter((file) => file.kind === "file")).toHaveLength(10);
    expect(shared.at(-1)).toMatchObject({
      kind: "skipped",
      reason: "only 10 files of one message are taken",
    });
  });

  it("names a file Slack cannot find without reading anything", async () => {
    const [missing] = await fetchFiles(["F0NOPE"]);
    expect(missing).toMatchObject({ kind: "skipped", reason: "Slack could not find it: file_not_found" });
  });
});
