import type { Database } from "../../../adapters/database/open-database.ts";
import {
  claimScheduleRun,
  deleteSlackSchedule,
  getSchedule,
  insertSchedule,
  listDueSchedules,
  listSchedulesOfOwner,
  type NewSchedule,
  setSchedulePaused,
  upsertFileSchedule,
} from "../../../adapters/database/schedules.ts";
import type { Schedule } from "../../../domain/schedules.ts";

/** Where schedules live: the database, shared by every instance. */
export interface ScheduleStore {
  insert(schedule: NewSchedule): Promise<Schedule>;
  upsertFromFile(schedule: NewSchedule): Promise<Schedule>;
  get(id: string): Promise<Schedule | undefined>;
  listOfOwner(ownerId: string): Promise<Schedule[]>;
  listDue(now: Date): Promise<Schedule[]>;
  /** True for exactly one caller per due run (see `claimScheduleRun`). */
  claimRun(claim: { id: string; due: Date; next: Date | undefined; now: Date }): Promise<boolean>;
  setPaused(id: string, change: { paused: boolean; nextRunAt?: Date | undefined }): Promise<boolean>;
  /** Deletes a Slack schedule; false for a file schedule or an unknown id. */
  deleteSlackSchedule(id: string): Promise<boolean>;
}

export function createDatabaseScheduleStore(db: Database): ScheduleStore {
  return {
    insert: (schedule) => insertSchedule(db, schedule),
    upsertFromFile: (schedule) => upsertFileSchedule(db, schedule),
    get: (id) => getSchedule(db, id),
    listOfOwner: (ownerId) => listSchedulesOfOwner(db, ownerId),
    listDue: (now) => listDueSchedules(db, now),
    claimRun: (claim) => claimScheduleRun(db, claim),
    setPaused: (id, change) => setSchedulePaused(db, id, change),
    deleteSlackSchedule: (id) => deleteSlackSchedule(db, id),
  };
}
