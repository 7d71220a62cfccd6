import { WebClient } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import { FakeSlackServer, realisticSlackDelayMs } from "../fakes/fake-slack-server.ts";

describe("the fake Slack's response delay", () => {
  let fake: FakeSlackServer | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it("answers every Web API call, auth.test included, no sooner than its delay, which a test may change", async () => {
    fake = await FakeSlackServer.start("xoxb-delay", { responseDelayMs: realisticSlackDelayMs });
    const client = new WebClient("xoxb-delay", { slackApiUrl: fake.apiUrl });
    const timed = async (call: () => Promise<unknown>) => {
      const startedAt = performance.now();
      await call();
      return performance.now() - startedAt;
    };
    expect(await timed(() => client.auth.test())).toBeGreaterThanOrEqual(realisticSlackDelayMs - 5);
    expect(
      await timed(() => client.chat.postMessage({ channel: "C0GENERAL", text: "hello" })),
    ).toBeGreaterThanOrEqual(realisticSlackDelayMs - 5);
    fake.responseDelayMs = 600;
    expect(await timed(() => client.auth.test())).toBeGreaterThanOrEqual(595);
    expect(fake.callsTo("auth.test")).toHaveLength(2);
  });
});
