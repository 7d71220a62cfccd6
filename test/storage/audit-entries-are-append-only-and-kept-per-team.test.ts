import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  appendAuditEntry,
  databaseAuditRecorder,
  listAuditEntries,
} from "../../src/adapters/database/audit-entries.ts";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";

const teamOne = { teamId: "T_AUDIT_ONE", enterpriseId: undefined };
const teamTwo = { teamId: "T_AUDIT_TWO", enterpriseId: "E_ORG" };

/** The database's own message for a failed statement (drizzle wraps it as the cause). */
async function refusal(statement: Promise<unknown>): Promise<string> {
  try {
    await statement;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : String(error);
  }
  return "the statement succeeded";
}

describe.each(backends)("audit entries on %s", (backend) => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("stores a row at the server's time, its detail redacted, and lists only that team's rows", async () => {
    const before = new Date(Date.now() - 60_000);
    const recorder = databaseAuditRecorder(handle.db);
    await recorder.record({
      scope: teamOne,
      action: "approval-approved",
      actorId: "U_APPROVER",
      channelId: "C1",
      sessionId: "ses_1",
      detail: "run_command: curl -H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123' https://x",
    });
    await recorder.record({ scope: teamTwo, action: "stop", actorId: "U_OTHER", detail: "Stopped all" });

    const own = await listAuditEntries(handle.db, { teamId: teamOne.teamId });
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({
      teamId: "T_AUDIT_ONE",
      enterpriseId: null,
      action: "approval-approved",
      actorId: "U_APPROVER",
      channelId: "C1",
      sessionId: "ses_1",
    });
    expect(own[0]?.detail).toContain("[REDACTED]");
    expect(own[0]?.detail).not.toContain("abcdefghijklmnopqrstuvwxyz0123");
    expect(own[0]?.at.getTime()).toBeGreaterThan(before.getTime());

    const other = await listAuditEntries(handle.db, { teamId: teamTwo.teamId });
    expect(other.map((row) => [row.actorId, row.enterpriseId])).toEqual([["U_OTHER", "E_ORG"]]);
    expect(
      await listAuditEntries(handle.db, { teamId: teamOne.teamId, since: new Date(Date.now() + 60_000) }),
    ).toEqual([]);
  });

  it("adds a keyed row once however often it is recorded", async () => {
    const entry = { scope: teamOne, action: "stop" as const, actorId: "U1", detail: "Stopped all" };
    expect(await appendAuditEntry(handle.db, entry, "stop:retried")).toBe(true);
    expect(await appendAuditEntry(handle.db, entry, "stop:retried")).toBe(false);
    const rows = await listAuditEntries(handle.db, { teamId: teamOne.teamId });
    expect(rows.filter((row) => row.action === "stop")).toHaveLength(1);
  });

  it("refuses UPDATE, DELETE and TRUNCATE through the application's own connection", async () => {
    await databaseAuditRecorder(handle.db).record({
      scope: teamOne,
      action: "approval-denied",
      actorId: "U1",
      detail: "rm -rf /",
    });
    expect(await refusal(handle.db.execute(sql`update audit_entries set actor_id = 'U_FORGED'`))).toMatch(
      /append-only: UPDATE/,
    );
    expect(await refusal(handle.db.execute(sql`delete from audit_entries`))).toMatch(/append-only: DELETE/);
    expect(await refusal(handle.db.execute(sql`truncate audit_entries`))).toMatch(/append-only: TRUNCATE/);
    const rows = await listAuditEntries(handle.db, { teamId: teamOne.teamId });
    expect(rows.some((row) => row.action === "approval-denied")).toBe(true);
    expect(rows.every((row) => row.actorId !== "U_FORGED")).toBe(true);
  });
});
