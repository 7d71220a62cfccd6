import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackApi, createSlackWebClient } from "../../src/adapters/slack/slack-api.ts";
import { failedLookupRetryMs, UserDirectory } from "../../src/adapters/slack/user-directory.ts";
import { createSilentLogger } from "../../src/logger.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";

/** An unknown sender must not cost a `users.info` call per message: Slack allows about 100 a minute. */
describe("failed user lookups", () => {
  let fake: FakeSlackServer;
  beforeAll(async () => {
    fake = await FakeSlackServer.start();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("are not repeated within a minute, and are tried again after it", async () => {
    let clock = 5_000_000;
    const logger = createSilentLogger();
    const api = createSlackApi({
      client: createSlackWebClient({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger }),
      logger,
    });
    const directory = new UserDirectory(api, { now: () => clock });
    const lookups = () => fake.callsTo("users.info").filter((call) => call.params.user === "U0LATER").length;

    expect((await directory.profileOf("U0LATER")).known).toBe(false);
    expect((await directory.profileOf("U0LATER")).known).toBe(false);
    expect(lookups()).toBe(1);

    fake.addUser({ id: "U0LATER", name: "later" });
    clock += failedLookupRetryMs;
    expect(await directory.profileOf("U0LATER")).toMatchObject({ known: true, name: "later" });
    expect(await directory.nameOf("U0LATER")).toBe("later");
    expect(lookups()).toBe(2);
  });
});
