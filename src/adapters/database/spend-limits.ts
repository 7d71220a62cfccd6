import { and, desc, eq, gte, like, lt, type SQL, sql } from "drizzle-orm";
import { spendRequestPrefix } from "../../domain/spend-limit-pause.ts";
import {
  type SpendLimitAmounts,
  type SpendLimitKind,
  type SpendLimitTarget,
  spendLimitKey,
  spendPeriod,
} from "../../domain/spend-limits.ts";
import type { TeamScope } from "../../domain/team-scope.ts";
import type { Database } from "./open-database.ts";
import type { RequestRow } from "./requests.ts";
import { requests, sessions, spendAlerts, spendLimitExtensions, spendLimits, usageLedger } from "./schema.ts";

/** The team a session belongs to, from the surface's metadata; an organization only when the session names one. */
function inTeam(scope: TeamScope): SQL {
  const team = sql`${sessions.metadata}->>'teamId' = ${scope.teamId}`;
  if (scope.enterpriseId === undefined) return team;
  return sql`${team} and coalesce(${sessions.metadata}->>'enterpriseId', ${scope.enterpriseId}) = ${scope.enterpriseId}`;
}

function subjectFilter(kind: SpendLimitKind, subject: string): SQL | undefined {
  if (kind === "channel-day") return sql`${sessions.metadata}->>'channel' = ${subject}`;
  if (kind === "person-day") return eq(sessions.ownerId, subject);
  return undefined;
}

function teamLimitKey(scope: TeamScope, kind: SpendLimitKind): string {
  return `${scope.enterpriseId ?? ""}/${scope.teamId}/${kind}`;
}

/** Sets a team's own limit of one kind (from Slack), over the configuration's. */
export async function setTeamSpendLimit(
  db: Database,
  scope: TeamScope,
  limit: { kind: SpendLimitKind; amountMicros: number; setBy: string },
): Promise<void> {
  const row = {
    limitKey: teamLimitKey(scope, limit.kind),
    teamId: scope.teamId,
    enterpriseId: scope.enterpriseId ?? null,
    kind: limit.kind,
    amountMicros: limit.amountMicros,
    setBy: limit.setBy,
  };
  await db
    .insert(spendLimits)
    .values(row)
    .onConflictDoUpdate({
      target: spendLimits.limitKey,
      set: { amountMicros: row.amountMicros, setBy: row.setBy, updatedAt: sql`now()` },
    });
}

/** Removes a team's own limit of one kind; the configuration's applies again. */
export async function clearTeamSpendLimit(
  db: Database,
  scope: TeamScope,
  kind: SpendLimitKind,
): Promise<void> {
  await db.delete(spendLimits).where(eq(spendLimits.limitKey, teamLimitKey(scope, kind)));
}

/** The limits a team set for itself. */
export async function teamSpendLimits(db: Database, scope: TeamScope): Promise<SpendLimitAmounts> {
  const rows = await db
    .select({ kind: spendLimits.kind, amountMicros: spendLimits.amountMicros })
    .from(spendLimits)
    .where(and(eq(spendLimits.teamId, scope.teamId), enterpriseIs(spendLimits.enterpriseId, scope)));
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.amountMicros)]));
}

function enterpriseIs(column: typeof spendLimits.enterpriseId, scope: TeamScope): SQL {
  return scope.enterpriseId === undefined ? sql`${column} is null` : sql`${column} = ${scope.enterpriseId}`;
}

/** The team's recorded model cost in the limit's period, for its channel, the whole team or its person. */
export async function spentAgainst(db: Database, target: SpendLimitTarget): Promise<number> {
  const [row] = await db
    .select({ costMicros: sql<string>`coalesce(sum(${usageLedger.costMicros}), 0)` })
    .from(usageLedger)
    .innerJoin(sessions, eq(sessions.id, usageLedger.sessionId))
    .where(
      and(
        inTeam(target.scope),
        gte(usageLedger.createdAt, target.period.start),
        lt(usageLedger.createdAt, target.period.end),
        subjectFilter(target.kind, target.subject),
      ),
    );
  return Number(row?.costMicros ?? 0);
}

/** What approvers added to this limit in this period. */
export async function extensionOf(db: Database, target: SpendLimitTarget): Promise<number> {
  const [row] = await db
    .select({ extraMicros: spendLimitExtensions.extraMicros })
    .from(spendLimitExtensions)
    .where(eq(spendLimitExtensions.extensionKey, spendLimitKey(target)));
  return Number(row?.extraMicros ?? 0);
}

/** Raises one limit for its period by `extraMicros`; several extensions add up. */
export async function extendSpendLimit(
  db: Database,
  target: SpendLimitTarget,
  extension: { extraMicros: number; extendedBy: string },
): Promise<void> {
  await db
    .insert(spendLimitExtensions)
    .values({
      extensionKey: spendLimitKey(target),
      teamId: target.scope.teamId,
      enterpriseId: target.scope.enterpriseId ?? null,
      kind: target.kind,
      subject: target.subject,
      periodKey: target.period.key,
      extraMicros: extension.extraMicros,
      extendedBy: extension.extendedBy,
    })
    .onConflictDoUpdate({
      target: spendLimitExtensions.extensionKey,
      set: {
        extraMicros: sql`${spendLimitExtensions.extraMicros} + ${extension.extraMicros}`,
        extendedBy: extension.extendedBy,
        updatedAt: sql`now()`,
      },
    });
}

/** Records that the alert at `percent` is sent; false when some instance already recorded it this period. */
export async function claimSpendAlert(
  db: Database,
  target: SpendLimitTarget,
  alert: { percent: number; spentMicros: number; limitMicros: number },
): Promise<boolean> {
  const inserted = await db
    .insert(spendAlerts)
    .values({
      alertKey: spendLimitKey(target, String(alert.percent)),
      teamId: target.scope.teamId,
      enterpriseId: target.scope.enterpriseId ?? null,
      kind: target.kind,
      subject: target.subject,
      periodKey: target.period.key,
      percent: alert.percent,
      spentMicros: alert.spentMicros,
      limitMicros: alert.limitMicros,
    })
    .onConflictDoNothing({ target: spendAlerts.alertKey })
    .returning({ alertKey: spendAlerts.alertKey });
  return inserted.length > 0;
}

/** A team's spend today per channel and per person (most first), and this month in all. */
export interface SpendOverview {
  teamMonthMicros: number;
  channels: { channelId: string; micros: number }[];
  people: { personId: string; micros: number }[];
}

export async function spendOverview(
  db: Database,
  scope: TeamScope,
  now: Date,
  top = 10,
): Promise<SpendOverview> {
  const month = spendPeriod("team-month", now);
  const day = spendPeriod("channel-day", now);
  const since = (period: { start: Date; end: Date }) =>
    and(inTeam(scope), gte(usageLedger.createdAt, period.start), lt(usageLedger.createdAt, period.end));
  const total = sql<string>`coalesce(sum(${usageLedger.costMicros}), 0)`;
  const [monthRow] = await db
    .select({ micros: total })
    .from(usageLedger)
    .innerJoin(sessions, eq(sessions.id, usageLedger.sessionId))
    .where(since(month));
  const channel = sql<string>`${sessions.metadata}->>'channel'`;
  const channels = await db
    .select({ channelId: channel, micros: total })
    .from(usageLedger)
    .innerJoin(sessions, eq(sessions.id, usageLedger.sessionId))
    .where(and(since(day), sql`${channel} is not null`))
    .groupBy(channel)
    .orderBy(desc(total))
    .limit(top);
  const people = await db
    .select({ personId: sessions.ownerId, micros: total })
    .from(usageLedger)
    .innerJoin(sessions, eq(sessions.id, usageLedger.sessionId))
    .where(since(day))
    .groupBy(sessions.ownerId)
    .orderBy(desc(total))
    .limit(top);
  return {
    teamMonthMicros: Number(monthRow?.micros ?? 0),
    channels: channels.map((row) => ({ channelId: row.channelId, micros: Number(row.micros) })),
    people: people.map((row) => ({ personId: row.personId, micros: Number(row.micros) })),
  };
}

/** The session's pending request from a spend limit; at most one, whichever agent reached it. */
export async function pendingSpendRequest(db: Database, sessionId: string): Promise<RequestRow | undefined> {
  const [row] = await db
    .select()
    .from(requests)
    .where(
      and(
        eq(requests.sessionId, sessionId),
        eq(requests.kind, "budget"),
        eq(requests.status, "pending"),
        like(requests.toolCallId, `${spendRequestPrefix}%`),
      ),
    )
    .limit(1);
  return row;
}

/** Every pending request, in any session of the team, that this limit paused (by `spendLimitKey`). */
export async function pendingRequestsOfLimit(db: Database, limitKey: string): Promise<RequestRow[]> {
  return db
    .select()
    .from(requests)
    .where(
      and(
        eq(requests.kind, "budget"),
        eq(requests.status, "pending"),
        sql`${requests.action}->'spendLimit'->>'key' = ${limitKey}`,
      ),
    );
}
