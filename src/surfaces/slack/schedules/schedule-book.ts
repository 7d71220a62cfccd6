import { randomBytes } from "node:crypto";
import { parseSchedulePhrase } from "../../../domain/schedule-phrase.ts";
import { nextRunAfter, ScheduleTimeError } from "../../../domain/schedule-times.ts";
import { mayChangeSchedule, type Schedule, type ScheduleSource } from "../../../domain/schedules.ts";
import type { TeamScope } from "../../../domain/team-scope.ts";
import type { ScheduleStore } from "./schedule-store.ts";

export interface ScheduleRequest {
  phrase: string;
  timeZone: string;
  channel: string;
  ownerId: string;
  text: string;
  /** The installation it is made in (many installations); its runs use that installation's token. */
  scope?: TeamScope | undefined;
}

export type ScheduleChange = "pause" | "resume" | "delete";

/** What became of a pause, resume or delete. */
export type ChangeOutcome =
  | { kind: "done"; schedule: Schedule }
  | { kind: "not-found" }
  | { kind: "not-allowed" }
  | { kind: "file-schedule" };

/**
 * Schedules as people see them: made from a phrase, listed per owner, paused, resumed and deleted
 * by their owner or an approver. Phrase and time-zone errors (`SchedulePhraseError`,
 * `ScheduleTimeError`) reach the caller, whose message says what would work.
 */
export class ScheduleBook {
  readonly store: ScheduleStore;
  private readonly approverIds: readonly string[];
  private readonly now: () => Date;

  constructor(options: { store: ScheduleStore; approverIds: readonly string[]; now: () => Date }) {
    this.store = options.store;
    this.approverIds = options.approverIds;
    this.now = options.now;
  }

  /** The schedule's fields with its first run; throws when the phrase, zone or moment cannot run. */
  prepare(request: ScheduleRequest, id: string, source: ScheduleSource) {
    const when = parseSchedulePhrase(request.phrase);
    const nextRunAt = nextRunAfter(when, request.timeZone, this.now());
    if (!nextRunAt) {
      throw new ScheduleTimeError(
        `"${request.phrase}" in ${request.timeZone} has already passed: pick a moment in the future.`,
        { phrase: request.phrase, timeZone: request.timeZone },
      );
    }
    const { phrase, timeZone, channel, ownerId, text, scope } = request;
    const team = scope ? { teamId: scope.teamId, enterpriseId: scope.enterpriseId } : {};
    return { id, source, phrase: phrase.trim(), timeZone, channel, ownerId, ...team, text, when, nextRunAt };
  }

  /**
   * Checks the request, then `announce`s the schedule (a message in its channel, whose link each
   * run's first line carries) before storing it: a channel Threadwork cannot post in fails here.
   */
  async create(
    request: ScheduleRequest,
    announce: (schedule: ReturnType<ScheduleBook["prepare"]>) => Promise<string | undefined>,
  ): Promise<Schedule> {
    const schedule = this.prepare(request, `sch_${randomBytes(5).toString("hex")}`, "slack");
    const link = await announce(schedule);
    return this.store.insert({ ...schedule, link });
  }

  /** A configuration file's schedule, by its stable id; a paused one stays paused. */
  async upsertFromFile(request: ScheduleRequest & { id: string }): Promise<Schedule> {
    return this.store.upsertFromFile(this.prepare(request, fileScheduleId(request.id), "file"));
  }

  /** `userId`'s schedules; with `scope`, only those made in that installation. */
  async listOf(userId: string, scope?: TeamScope): Promise<Schedule[]> {
    const owned = await this.store.listOfOwner(userId);
    return scope ? owned.filter((schedule) => schedule.teamId === scope.teamId) : owned;
  }

  mayChange(schedule: Schedule, userId: string): boolean {
    return mayChangeSchedule(schedule, userId, this.approverIds);
  }

  async change(id: string, userId: string, change: ScheduleChange): Promise<ChangeOutcome> {
    const schedule = await this.store.get(id);
    if (!schedule) return { kind: "not-found" };
    if (!this.mayChange(schedule, userId)) return { kind: "not-allowed" };
    if (change === "delete") {
      if (schedule.source === "file") return { kind: "file-schedule" };
      await this.store.deleteSlackSchedule(id);
      return { kind: "done", schedule };
    }
    if (change === "pause") {
      await this.store.setPaused(id, { paused: true });
      return { kind: "done", schedule: { ...schedule, paused: true } };
    }
    // Runs missed while paused are skipped: the next run is the first one from now.
    const nextRunAt =
      schedule.when.kind === "once"
        ? schedule.nextRunAt
        : nextRunAfter(schedule.when, schedule.timeZone, this.now());
    await this.store.setPaused(id, { paused: false, nextRunAt });
    return { kind: "done", schedule: { ...schedule, paused: false, nextRunAt } };
  }
}

/** The stored id of a configuration file's schedule `id`. */
export function fileScheduleId(id: string): string {
  return `file:${id}`;
}
