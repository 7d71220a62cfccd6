import type { Schedule } from "../../../domain/schedules.ts";
import { mrkdwnText, slackDate } from "../blocks/format.ts";

/** One schedule as a line of mrkdwn: when, where, what, and its state. */
export function scheduleLine(schedule: Schedule): string {
  const state = schedule.paused
    ? "paused"
    : schedule.nextRunAt
      ? `next ${slackDate(schedule.nextRunAt)}`
      : "done (ran once)";
  const file = schedule.source === "file" ? ", from the configuration file" : "";
  return `\`${schedule.id}\` *${mrkdwnText(schedule.phrase, 200)}* (${schedule.timeZone}) in <#${schedule.channel}>, ${state}${file}: ${mrkdwnText(schedule.text, 300)}`;
}

export const changeOutcomeNotes = {
  "not-found": "There is no such schedule. `/threadwork schedule list` shows yours with their ids.",
  "not-allowed": "Only the schedule's owner or an approver may change it. Nothing was changed.",
  "file-schedule":
    "This schedule comes from the configuration file, so it cannot be deleted from Slack: pause it here, or remove it from the file.",
} as const;
