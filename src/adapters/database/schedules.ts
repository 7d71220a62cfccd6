import { and, asc, eq, isNotNull, lte, sql } from "drizzle-orm";
import { z } from "zod";
import type { ScheduleWhen } from "../../domain/schedule-phrase.ts";
import type { Schedule } from "../../domain/schedules.ts";
import type { Database } from "./open-database.ts";
import { schedules } from "./schema.ts";

const whenSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("cron"), cron: z.string() }),
  z.object({ kind: z.literal("once"), date: z.string(), time: z.string() }),
]);

type ScheduleRow = typeof schedules.$inferSelect;

function toSchedule(row: ScheduleRow): Schedule {
  return {
    id: row.id,
    source: row.source,
    ownerId: row.ownerId,
    channel: row.channel,
    ...(row.teamId ? { teamId: row.teamId, enterpriseId: row.enterpriseId ?? undefined } : {}),
    timeZone: row.timeZone,
    phrase: row.phrase,
    when: whenSchema.parse(row.when) as ScheduleWhen,
    text: row.text,
    link: row.link ?? undefined,
    paused: row.paused,
    nextRunAt: row.nextRunAt ?? undefined,
    lastRunAt: row.lastRunAt ?? undefined,
    createdAt: row.createdAt,
  };
}

export type NewSchedule = Omit<Schedule, "paused" | "lastRunAt" | "createdAt">;

export async function insertSchedule(db: Database, schedule: NewSchedule): Promise<Schedule> {
  const [row] = await db
    .insert(schedules)
    .values({
      ...schedule,
      teamId: schedule.teamId ?? null,
      enterpriseId: schedule.enterpriseId ?? null,
      link: schedule.link ?? null,
      nextRunAt: schedule.nextRunAt ?? null,
    })
    .returning();
  if (!row) throw new Error("inserting a schedule returned no row");
  return toSchedule(row);
}

/**
 * A configuration file's schedule, by its stable id: its fields follow the file, while whether
 * it is paused, and its next run when the timing did not change, are kept.
 */
export async function upsertFileSchedule(db: Database, schedule: NewSchedule): Promise<Schedule> {
  const [row] = await db
    .insert(schedules)
    .values({ ...schedule, nextRunAt: schedule.nextRunAt ?? null })
    .onConflictDoUpdate({
      target: schedules.id,
      set: {
        source: schedule.source,
        ownerId: schedule.ownerId,
        channel: schedule.channel,
        text: schedule.text,
        phrase: schedule.phrase,
        timeZone: schedule.timeZone,
        when: schedule.when,
        nextRunAt: sql`case when ${schedules.when} = ${JSON.stringify(schedule.when)}::jsonb and ${schedules.timeZone} = ${schedule.timeZone} then ${schedules.nextRunAt} else ${schedule.nextRunAt?.toISOString() ?? null}::timestamptz end`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  if (!row) throw new Error("upserting a schedule returned no row");
  return toSchedule(row);
}

export async function getSchedule(db: Database, id: string): Promise<Schedule | undefined> {
  const [row] = await db.select().from(schedules).where(eq(schedules.id, id));
  return row ? toSchedule(row) : undefined;
}

/** The schedules `userId` owns, oldest first. */
export async function listSchedulesOfOwner(db: Database, ownerId: string): Promise<Schedule[]> {
  const rows = await db
    .select()
    .from(schedules)
    .where(eq(schedules.ownerId, ownerId))
    .orderBy(asc(schedules.createdAt), asc(schedules.id));
  return rows.map(toSchedule);
}

/** Schedules whose next run is at or before `now`, not paused, soonest first. */
export async function listDueSchedules(db: Database, now: Date, limit = 20): Promise<Schedule[]> {
  const rows = await db
    .select()
    .from(schedules)
    .where(and(eq(schedules.paused, false), isNotNull(schedules.nextRunAt), lte(schedules.nextRunAt, now)))
    .orderBy(asc(schedules.nextRunAt))
    .limit(limit);
  return rows.map(toSchedule);
}

/**
 * Claims the run due at `due`: moves the next run to `next` (none: the schedule is done) only
 * if the row still says `due` and is not paused. True for exactly one caller per due run.
 */
export async function claimScheduleRun(
  db: Database,
  claim: { id: string; due: Date; next: Date | undefined; now: Date },
): Promise<boolean> {
  const claimed = await db
    .update(schedules)
    .set({ nextRunAt: claim.next ?? null, lastRunAt: claim.now, updatedAt: sql`now()` })
    .where(and(eq(schedules.id, claim.id), eq(schedules.nextRunAt, claim.due), eq(schedules.paused, false)))
    .returning({ id: schedules.id });
  return claimed.length > 0;
}

/** Pauses or resumes; resuming sets the next run (`nextRunAt`), so runs missed while paused are skipped. */
export async function setSchedulePaused(
  db: Database,
  id: string,
  change: { paused: boolean; nextRunAt?: Date | undefined },
): Promise<boolean> {
  const updated = await db
    .update(schedules)
    .set({
      paused: change.paused,
      ...("nextRunAt" in change ? { nextRunAt: change.nextRunAt ?? null } : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(schedules.id, id))
    .returning({ id: schedules.id });
  return updated.length > 0;
}

/** Deletes a schedule made in Slack; a file schedule is never deleted here. */
export async function deleteSlackSchedule(db: Database, id: string): Promise<boolean> {
  const deleted = await db
    .delete(schedules)
    .where(and(eq(schedules.id, id), eq(schedules.source, "slack")))
    .returning({ id: schedules.id });
  return deleted.length > 0;
}
