import { ThreadworkError } from "../../../domain/errors.ts";
import type { Schedule } from "../../../domain/schedules.ts";
import { mrkdwnText, slackDate } from "../blocks/format.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";

/** Threadwork could not post in the schedule's channel: nothing is stored. */
export class AnnouncementError extends ThreadworkError {
  constructor(message: string, options: { cause: unknown; channel: string }) {
    super("schedule_channel_unreachable", message, {
      category: "third_party",
      cause: options.cause,
      details: { channel: options.channel },
    });
    this.name = "AnnouncementError";
  }
}

/**
 * Says in the schedule's channel that it will post there, and returns the message's permalink,
 * which each run's first line links to. The channel learns who set it up before the first run.
 */
export async function announceSchedule(
  context: Pick<SlackSurfaceContext, "api" | "logger">,
  schedule: Pick<Schedule, "id" | "ownerId" | "channel" | "phrase" | "timeZone" | "text" | "nextRunAt">,
): Promise<string | undefined> {
  const first = schedule.nextRunAt ? `, first ${slackDate(schedule.nextRunAt)}` : "";
  let ts: string | undefined;
  try {
    const posted = (await context.api.call("chat.postMessage", {
      channel: schedule.channel,
      text: `:alarm_clock: <@${schedule.ownerId}> scheduled *${mrkdwnText(schedule.phrase, 200)}* (${schedule.timeZone}${first}) in this channel, \`${schedule.id}\`: ${mrkdwnText(schedule.text, 500)}`,
      unfurl_links: false,
    })) as { ts?: string };
    ts = posted.ts;
  } catch (error) {
    throw new AnnouncementError(
      `Threadwork cannot post in <#${schedule.channel}>: invite it there first (/invite @Threadwork).`,
      { cause: error, channel: schedule.channel },
    );
  }
  if (!ts) return undefined;
  try {
    const response = await context.api.call("chat.getPermalink", {
      channel: schedule.channel,
      message_ts: ts,
    });
    return typeof response.permalink === "string" ? response.permalink : undefined;
  } catch (error) {
    context.logger.debug({ err: error }, "no permalink for a schedule's announcement");
    return undefined;
  }
}
