import { z } from "zod";
import { parseSchedulePhrase } from "../domain/schedule-phrase.ts";
import { isTimeZone } from "../domain/schedule-times.ts";

function phraseProblem(phrase: string): string | undefined {
  try {
    parseSchedulePhrase(phrase);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const scheduleSchema = z
  .strictObject({
    id: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{0,62}$/,
        "must be lowercase letters, digits and dashes, such as daily-report",
      )
      .meta({
        description:
          "A stable name: the schedule is updated in place at each start by this id, and keeps whether it was paused.",
        examples: ["daily-report"],
      }),
    phrase: z
      .string()
      .max(200)
      .optional()
      .meta({
        description:
          "When it runs, in words: every weekday at 9:00, every monday at 8:30, daily at 17:00, once on 2026-12-24 at 10:00. Give this or `cron`.",
        examples: ["every weekday at 9:00"],
      }),
    cron: z
      .string()
      .max(200)
      .optional()
      .meta({
        description: "When it runs, as a 5-field cron expression. Give this or `phrase`.",
        examples: ["0 9 * * 1-5"],
      }),
    timeZone: z
      .string()
      .refine(isTimeZone, "must be an IANA time zone such as Europe/Paris or UTC")
      .optional()
      .meta({
        description: "The IANA time zone of the times. Default: the owner's Slack time zone, else UTC.",
        examples: ["Europe/Paris"],
      }),
    channel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, "must be a Slack channel id such as C0123456789")
      .meta({
        description: "The channel each run starts a new thread in, by id.",
        examples: ["C0123456789"],
      }),
    owner: z
      .string()
      .regex(/^[UW][A-Z0-9]{2,}$/, "must be a Slack user id such as U0123456789")
      .meta({
        description: "Who owns each run's session and approves its actions, by Slack user id.",
        examples: ["U0123456789"],
      }),
    text: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(4000)
      .meta({
        description: "The request each run starts with.",
        examples: ["Summarize yesterday's deploys."],
      }),
  })
  .superRefine((entry, context) => {
    const when = entry.phrase ?? entry.cron;
    if ((entry.phrase === undefined) === (entry.cron === undefined)) {
      context.addIssue({
        code: "custom",
        message: "must give either `phrase` or `cron`, not both or neither",
      });
      return;
    }
    const problem = phraseProblem(when ?? "");
    if (problem)
      context.addIssue({ code: "custom", path: [entry.phrase ? "phrase" : "cron"], message: problem });
  });

/** The configuration file's `schedules` array. */
export const schedulesSchema = z
  .array(scheduleSchema)
  .max(100)
  .refine((entries) => new Set(entries.map((entry) => entry.id)).size === entries.length, "ids must differ")
  .meta({
    description:
      "Recurring or one-time tasks: each run is a new session in a new thread of `channel`, owned by `owner`. Upserted at each start by `id`; in Slack they can be paused but not deleted.",
    examples: [
      [
        {
          id: "daily-report",
          phrase: "every weekday at 9:00",
          timeZone: "Europe/Paris",
          channel: "C0123456789",
          owner: "U0123456789",
          text: "Summarize yesterday's deploys.",
        },
      ],
    ],
  });

export type ScheduleSetting = z.infer<typeof scheduleSchema>;
