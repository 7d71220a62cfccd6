import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { channel } from "./support/harness.ts";

// The fake's files.uploadV2 steps must refuse what Slack refuses, or a test of the upload
// proves nothing: a wrong length, an unknown or missing channel, a never-uploaded file.
describe("the fake Slack's external uploads", () => {
  let fake: FakeSlackServer;
  let client: WebClient;

  beforeAll(async () => {
    fake = await FakeSlackServer.start();
    client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("shares a file uploaded with filesUploadV2 in the thread, byte for byte", async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    await client.filesUploadV2({
      channel_id: channel,
      thread_ts: "1700.0001",
      file: bytes,
      filename: "a.bin",
    });
    const [upload] = [...fake.uploads.uploads.values()];
    expect(upload).toMatchObject({ filename: "a.bin", channel, threadTs: "1700.0001", completed: true });
    expect(upload?.bytes).toEqual(bytes);
  });

  it("refuses a completion whose bytes differ in length from the declared length", async () => {
    const step1 = await client.files.getUploadURLExternal({ filename: "b.txt", length: 10 });
    await fetch(String(step1.upload_url), { method: "POST", body: "short" });
    await expect(
      client.files.completeUploadExternal({ files: [{ id: String(step1.file_id) }], channel_id: channel }),
    ).rejects.toThrow(/file_upload_size_mismatch/);
  });

  it("refuses an unknown channel, a thread without a channel, and a file never uploaded", async () => {
    const step1 = await client.files.getUploadURLExternal({ filename: "c.txt", length: 2 });
    const id = String(step1.file_id);
    await expect(
      client.files.completeUploadExternal({ files: [{ id }], channel_id: channel }),
    ).rejects.toThrow(/file_not_found/);
    await fetch(String(step1.upload_url), { method: "POST", body: "ok" });
    await expect(
      client.files.completeUploadExternal({ files: [{ id }], channel_id: "not-a-channel" }),
    ).rejects.toThrow(/channel_not_found/);
    await expect(
      client.apiCall("files.completeUploadExternal", { files: [{ id }], thread_ts: "1.2" }),
    ).rejects.toThrow(/invalid_arguments/);
  });

  it("refuses every step without the bot token", async () => {
    const stranger = new WebClient("xoxb-wrong", { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    await expect(stranger.files.getUploadURLExternal({ filename: "d.txt", length: 1 })).rejects.toThrow(
      /invalid_auth/,
    );
  });
});
