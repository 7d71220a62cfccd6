import { describe, expect, it } from "vitest";
import { parseAuditArguments, parseAuditDate } from "../../src/domain/audit-arguments.ts";
import { type AuditRecord, auditCsv, auditJson, csvCell } from "../../src/domain/audit-export.ts";
import { auditPlaceOf } from "../../src/domain/audit-place.ts";
import { readCsv } from "../helpers/read-csv.ts";

const record: AuditRecord = {
  id: 7,
  at: new Date("2026-12-02T10:00:00.000Z"),
  teamId: "T1",
  enterpriseId: null,
  action: "approval-approved",
  actorId: "U1",
  channelId: "C1",
  sessionId: "ses_1",
  detail: 'run_command: echo "a, b"\nrm -f x',
};

describe("audit exports", () => {
  it("quote cells with quotes, commas and line breaks, so each row reads back whole", () => {
    const rows = readCsv(auditCsv([record, { ...record, id: 8, detail: "plain" }]));
    expect(rows[0]).toEqual([
      "id",
      "at",
      "team_id",
      "enterprise_id",
      "action",
      "actor_id",
      "channel_id",
      "session_id",
      "detail",
    ]);
    expect(rows[1]).toEqual([
      "7",
      "2026-12-02T10:00:00.000Z",
      "T1",
      "",
      "approval-approved",
      "U1",
      "C1",
      "ses_1",
      record.detail,
    ]);
    expect(rows[2]?.[8]).toBe("plain");
    expect(rows).toHaveLength(3);
  });

  it("prefix cells a spreadsheet would run as a formula with a quote", () => {
    for (const formula of ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]) {
      expect(csvCell(formula).replace(/^"/, "").startsWith("'")).toBe(true);
    }
    expect(csvCell("=1,2")).toBe(`"'=1,2"`);
    expect(csvCell("U123")).toBe("U123");
    const rows = readCsv(auditCsv([{ ...record, detail: "=cmd|' /C calc'!A0", actorId: "@U1" }]));
    expect(rows[1]?.[8]).toBe("'=cmd|' /C calc'!A0");
    expect(rows[1]?.[5]).toBe("'@U1");
  });

  it("write JSON with the same columns and the exact detail", () => {
    const parsed = JSON.parse(auditJson([record])) as Record<string, unknown>[];
    expect(parsed).toEqual([
      {
        id: 7,
        at: "2026-12-02T10:00:00.000Z",
        team_id: "T1",
        enterprise_id: null,
        action: "approval-approved",
        actor_id: "U1",
        channel_id: "C1",
        session_id: "ses_1",
        detail: record.detail,
      },
    ]);
  });

  it("read --since, --format and a bare format, and --team only where allowed", () => {
    expect(parseAuditArguments(["--since", "2026-12-01", "json"], { allowTeam: false })).toEqual({
      since: new Date("2026-12-01T00:00:00.000Z"),
      format: "json",
      team: undefined,
    });
    expect(parseAuditArguments(["--format=csv", "--team", "T9"], { allowTeam: true })).toEqual({
      since: undefined,
      format: "csv",
      team: "T9",
    });
    expect(parseAuditArguments(["--team", "T9"], { allowTeam: false })).toEqual({
      error: "Unknown argument “--team”.",
    });
    expect(parseAuditArguments(["--since", "yesterday"], { allowTeam: false })).toHaveProperty("error");
    expect(parseAuditArguments(["--format", "xml"], { allowTeam: true })).toHaveProperty("error");
    expect(parseAuditDate("2026-12-01T08:30:00Z")).toEqual(new Date("2026-12-01T08:30:00Z"));
    expect(parseAuditDate("2026-13-45")).toBeUndefined();
  });

  it("place a Slack session in its team and channel, and a terminal chat in a team of its own", () => {
    expect(
      auditPlaceOf({ surface: "slack", conversationKey: "T1:C2:1700.1", metadata: { enterpriseId: "E3" } }),
    ).toEqual({ scope: { teamId: "T1", enterpriseId: "E3" }, channelId: "C2" });
    expect(auditPlaceOf({ surface: "terminal", conversationKey: "host:me:default", metadata: {} })).toEqual({
      scope: { teamId: "terminal", enterpriseId: undefined },
      channelId: undefined,
    });
  });
});
