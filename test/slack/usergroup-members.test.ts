import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackApi, createSlackWebClient } from "../../src/adapters/slack/slack-api.ts";
import { UsergroupMembers, usergroupCacheMilliseconds } from "../../src/adapters/slack/usergroup-members.ts";
import { createSilentLogger } from "../../src/logger.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";

describe("user group members", () => {
  let fake: FakeSlackServer;
  beforeAll(async () => {
    fake = await FakeSlackServer.start();
  });
  afterAll(async () => {
    await fake?.close();
  });

  const members = (now: () => number) => {
    const logger = createSilentLogger();
    const api = createSlackApi({
      client: createSlackWebClient({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger }),
      logger,
    });
    return new UsergroupMembers({ api, logger, now });
  };

  it("caches a group's members briefly and sees a change once the cache is stale", async () => {
    let clock = 1_000_000;
    const groups = members(() => clock);
    fake.setUsergroup("S0ONE", ["U0A"]);
    expect(await groups.includesAny(["S0ONE"], "U0A")).toBe(true);
    fake.setUsergroup("S0ONE", ["U0B"]);
    expect(await groups.includesAny(["S0ONE"], "U0A")).toBe(true);
    clock += usergroupCacheMilliseconds;
    expect(await groups.includesAny(["S0ONE"], "U0A")).toBe(false);
    expect(await groups.includesAny(["S0ONE"], "U0B")).toBe(true);
  });

  it("fails closed on missing_scope and on an unknown group, and asks again next time", async () => {
    const groups = members(() => 0);
    fake.setUsergroup("S0TWO", ["U0C"]);
    fake.grantedScopes.delete("usergroups:read");
    expect(await groups.includesAny(["S0TWO"], "U0C")).toBe(false);
    fake.grantedScopes.add("usergroups:read");
    expect(await groups.includesAny(["S0TWO"], "U0C")).toBe(true);
    expect(await groups.includesAny(["S0NONE"], "U0C")).toBe(false);
    const before = fake.callsTo("usergroups.users.list").length;
    expect(await groups.includesAny(["S0NONE"], "U0C")).toBe(false);
    expect(fake.callsTo("usergroups.users.list").length).toBe(before + 1);
  });
});
