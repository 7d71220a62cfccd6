import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEntry } from "../../src/domain/audit.ts";
import type { AuditRecord, AuditTrail } from "../../src/domain/audit-export.ts";
import { auditIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { adminOnlyRefusal } from "../../src/surfaces/slack/commands/audit-subcommand.ts";
import { threadworkCommand } from "../../src/surfaces/slack/commands/threadwork-command.ts";
import { csvRecords } from "../helpers/read-csv.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

/** The audit trail in memory: what the database adapter does, without the database. */
class MemoryAuditTrail implements AuditTrail {
  readonly rows: AuditRecord[] = [];

  async record(entry: AuditEntry): Promise<void> {
    this.rows.push({
      id: this.rows.length + 1,
      at: new Date("2026-12-02T09:00:00Z"),
      teamId: entry.scope.teamId,
      enterpriseId: entry.scope.enterpriseId ?? null,
      action: entry.action,
      actorId: entry.actorId,
      channelId: entry.channelId ?? null,
      sessionId: entry.sessionId ?? null,
      detail: entry.detail,
    });
  }

  async list(query: { teamId: string; since?: Date | undefined }): Promise<AuditRecord[]> {
    return this.rows.filter((row) => row.teamId === query.teamId && (!query.since || row.at >= query.since));
  }
}

const slackAdmin = "U0WSADMIN";
const slackOwner = "U0WSOWNER";
const elsewhereAdmin = "U0OTHERADMIN";
const member = "U0MEMBER";
const namedButUnknown = "U0NAMEDGONE";

describe("/threadwork audit", () => {
  let harness: Harness;
  const trail = new MemoryAuditTrail();

  beforeAll(async () => {
    harness = await startHarness({
      runtime: new ScriptedRuntime(),
      audit: trail,
      slack: { admins: [namedButUnknown] },
    });
    const { fake } = harness;
    fake.addUser({ id: slackAdmin, name: "admin", isAdmin: true });
    fake.addUser({ id: slackOwner, name: "owner", isOwner: true });
    fake.addUser({ id: elsewhereAdmin, name: "elsewhere", isAdmin: true, teamId: "T0ELSEWHERE" });
    fake.addUser({ id: member, name: "member" });
    await trail.record({
      scope: { teamId: fake.teamId, enterpriseId: undefined },
      action: "approval-denied",
      actorId: "U0LEAD",
      channelId: "C0GENERAL",
      sessionId: "ses_here",
      detail: '=run_command: echo "hi", bye',
    });
    await trail.record({
      scope: { teamId: "T0ELSEWHERE", enterpriseId: undefined },
      action: "approval-approved",
      actorId: "U0THEM",
      detail: "run_command: their secret work",
    });
  });
  afterAll(async () => {
    await harness?.stop();
  });

  async function ephemeralTo(user: string, count: number) {
    const { fake } = harness;
    await fake.waitFor(
      () => fake.callsTo("chat.postEphemeral").filter((call) => call.params.user === user).length >= count,
    );
    return String(
      fake.callsTo("chat.postEphemeral").filter((call) => call.params.user === user)[count - 1]?.params.text,
    );
  }

  it("refuses a member and an admin of another workspace, and sends nothing", async () => {
    for (const user of [member, elsewhereAdmin]) {
      await harness.command({ user, command: threadworkCommand, text: "audit json" });
      expect(await ephemeralTo(user, 1)).toBe(adminOnlyRefusal);
    }
    expect(harness.fake.uploads.uploads.size).toBe(0);
    expect(harness.fake.callsTo("conversations.open")).toHaveLength(0);
  });

  it("sends a workspace owner only their own workspace's rows, in their DM, formula cells defused", async () => {
    const { fake } = harness;
    await harness.command({ user: slackOwner, command: threadworkCommand, text: "audit" });
    expect(await ephemeralTo(slackOwner, 1)).toMatch(
      /^Sent threadwork-audit-T\w+-\d{4}-\d{2}-\d{2}\.csv \(1 entry\) to your DM\.$/,
    );
    const upload = [...fake.uploads.uploads.values()].find((item) => item.completed);
    expect(upload?.channel).toBe(`D${slackOwner.slice(1)}`);
    const text = upload?.bytes?.toString("utf8") ?? "";
    expect(csvRecords(text)).toEqual([
      expect.objectContaining({
        team_id: fake.teamId,
        actor_id: "U0LEAD",
        detail: `'=run_command: echo "hi", bye`,
      }),
    ]);
    expect(text).not.toContain("T0ELSEWHERE");
  });

  it("answers a wrong argument with the usage, and an upload Slack refuses with a notice", async () => {
    await harness.command({ user: slackAdmin, command: threadworkCommand, text: "audit --since yesterday" });
    expect(await ephemeralTo(slackAdmin, 1)).toContain(
      "Usage: `/threadwork audit [--since 2026-12-01] [csv|json]`",
    );
    // Named in THREADWORK_ADMINS but unknown to Slack: conversations.open fails.
    await harness.command({ user: namedButUnknown, command: threadworkCommand, text: "audit json" });
    expect(await ephemeralTo(namedButUnknown, 1)).toContain("Slack refused the upload");
  });
  it("offers admins Export buttons in App Home, whose click sends the file; a member's forged click sends nothing", async () => {
    const { fake } = harness;
    const homeOf = async (user: string, eventId: string) => {
      await harness.event(eventId, {
        type: "app_home_opened",
        user,
        channel: "D0HOME",
        tab: "home",
        event_ts: "2.0",
      });
      const publish = await fake.waitFor(() =>
        fake.callsTo("views.publish").find((call) => call.params.user_id === user),
      );
      return JSON.stringify(publish.params.view);
    };
    expect(await homeOf(slackAdmin, "EvHomeAdmin")).toContain(`${auditIds.exportFromHome}_json`);
    expect(await homeOf(member, "EvHomeMember")).not.toContain(auditIds.exportFromHome);

    const uploadsBefore = fake.uploads.uploads.size;
    const click = (user: string) =>
      harness.click({
        user,
        actionId: `${auditIds.exportFromHome}_json`,
        value: "json",
        messageTs: "2.0",
        threadTs: "2.0",
      });
    await click(member);
    const refusal = await fake.waitFor(() =>
      fake.callsTo("chat.postMessage").find((call) => call.params.channel === member),
    );
    expect(refusal.params.text).toBe(adminOnlyRefusal);
    expect(fake.uploads.uploads.size).toBe(uploadsBefore);

    await click(slackAdmin);
    const upload = await fake.waitFor(() =>
      [...fake.uploads.uploads.values()].find(
        (item) => item.completed && item.channel === `D${slackAdmin.slice(1)}`,
      ),
    );
    const rows = JSON.parse(upload.bytes?.toString("utf8") ?? "[]") as unknown[];
    expect(rows).toHaveLength(1);
    expect(upload.bytes?.toString("utf8")).not.toContain("T0ELSEWHERE");
  });
});
