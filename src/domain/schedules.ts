import type { ScheduleWhen } from "./schedule-phrase.ts";

/** Where a schedule was made: in Slack (deletable there) or in the configuration file (only pausable). */
export type ScheduleSource = "slack" | "file";

/** A recurring or one-time task: each run is a new session in `channel`, owned by `ownerId`. */
export interface Schedule {
  id: string;
  source: ScheduleSource;
  ownerId: string;
  channel: string;
  /** The installation the schedule was made in, whose token its runs use; absent with one bot token. */
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  timeZone: string;
  /** What the person wrote (`every weekday at 9:00` or a cron expression), shown back to them. */
  phrase: string;
  when: ScheduleWhen;
  /** The request each run starts with, as the owner would have written it. */
  text: string;
  /** Where the schedule was announced (a Slack permalink); absent for the file's schedules. */
  link?: string | undefined;
  paused: boolean;
  /** The next run; absent once a one-time schedule has run. */
  nextRunAt: Date | undefined;
  lastRunAt: Date | undefined;
  createdAt: Date;
}

/** Who may pause, resume or delete a schedule: its owner or an approver. */
export function mayChangeSchedule(
  schedule: Pick<Schedule, "ownerId">,
  userId: string,
  approvers: readonly string[],
): boolean {
  return schedule.ownerId === userId || approvers.includes(userId);
}
