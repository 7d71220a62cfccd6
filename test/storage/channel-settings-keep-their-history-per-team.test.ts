import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  channelSettingsHistory,
  currentChannelSettings,
  saveChannelSettings,
} from "../../src/adapters/database/channel-settings.ts";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { changedSettings } from "../../src/domain/channel-settings.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";

const acme = { teamId: "T0ACME", enterpriseId: undefined };
const orgTeam = { teamId: "T0ACME", enterpriseId: "E0ORG" };
const other = { teamId: "T0OTHER", enterpriseId: undefined };

describe.each(backends)("channel settings on %s", (backend) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("keeps every change with who made it, and the newest in force", async () => {
    const first = { repository: "acme/web", budgetUsd: 5 };
    await saveChannelSettings(handle.db, {
      scope: acme,
      channelId: "C0WEB",
      settings: first,
      changes: changedSettings(undefined, first),
      changedBy: "U0ADMIN",
    });
    const second = { ...first, budgetUsd: 8, approvers: ["S0OPS"] };
    await saveChannelSettings(handle.db, {
      scope: acme,
      channelId: "C0WEB",
      settings: second,
      changes: changedSettings(first, second),
      changedBy: "U0OWNER",
    });
    expect((await currentChannelSettings(handle.db, acme, "C0WEB"))?.settings).toEqual(second);
    const history = await channelSettingsHistory(handle.db, acme, "C0WEB");
    expect(history.map(({ version, changedBy, changes }) => ({ version, changedBy, changes }))).toEqual([
      {
        version: 2,
        changedBy: "U0OWNER",
        changes: [
          { setting: "budgetUsd", value: 8 },
          { setting: "approvers", value: ["S0OPS"] },
        ],
      },
      {
        version: 1,
        changedBy: "U0ADMIN",
        changes: [
          { setting: "repository", value: "acme/web" },
          { setting: "budgetUsd", value: 5 },
        ],
      },
    ]);
    expect(history[0]?.changedAt).toBeInstanceOf(Date);
  });

  it("never shows one team's settings to another, nor an organization's to a plain workspace", async () => {
    expect(await currentChannelSettings(handle.db, other, "C0WEB")).toBeUndefined();
    expect(await currentChannelSettings(handle.db, orgTeam, "C0WEB")).toBeUndefined();
    expect(await channelSettingsHistory(handle.db, other, "C0WEB")).toEqual([]);
    await saveChannelSettings(handle.db, {
      scope: other,
      channelId: "C0WEB",
      settings: { budgetUsd: 1 },
      changes: [{ setting: "budgetUsd", value: 1 }],
      changedBy: "U0THEM",
    });
    expect((await currentChannelSettings(handle.db, acme, "C0WEB"))?.settings.budgetUsd).toBe(8);
    expect((await currentChannelSettings(handle.db, other, "C0WEB"))?.version).toBe(1);
  });

  it("gives two admins saving at once a version each", async () => {
    const saves = await Promise.all(
      ["U0A", "U0B", "U0C"].map((changedBy, index) =>
        saveChannelSettings(handle.db, {
          scope: acme,
          channelId: "C0RACE",
          settings: { budgetUsd: index + 1 },
          changes: [{ setting: "budgetUsd", value: index + 1 }],
          changedBy,
        }),
      ),
    );
    expect(saves.map((save) => save.version).sort()).toEqual([1, 2, 3]);
  });
});
