import { z } from "zod";

/** One watched-channel rule in the configuration file's `watch` array. */
export const watchRuleSettingSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "must be 1 to 40 lower-case letters, digits or dashes")
      .meta({
        description: "The rule's name, unique in the file; its id becomes `file:<id>`.",
        examples: ["ops-alerts"],
      }),
    channel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, "must be a channel id such as C0123ABCD")
      .meta({ description: "The channel id to watch; new threads start there.", examples: ["C0123ABCD"] }),
    owner: z
      .string()
      .regex(/^[UW][A-Z0-9]{2,}$/, "must be a user id such as U0123ABCD")
      .meta({
        description: "The user id that owns the rule's sessions and approves their risky actions.",
        examples: ["U0123ABCD"],
      }),
    request: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(2000, "must be at most 2,000 characters")
      .meta({
        description:
          "What each session is asked to do, as the owner's words. The matching message follows it as untrusted data.",
        examples: ["Investigate this alert and propose a fix."],
      }),
    bots: z
      .array(z.string().regex(/^[AB][A-Z0-9]{2,}$/, "must be a bot id (B…) or an app id (A…)"))
      .optional()
      .meta({
        description:
          "Bot ids (B…) or app ids (A…) whose top-level posts count. Absent or empty: any bot's or app's post; people's posts never count.",
        examples: [["B0123ALERT"]],
      }),
    pattern: z
      .string()
      .min(1, "must not be empty")
      .max(200, "must be at most 200 characters")
      .optional()
      .meta({
        description:
          "Text the post must contain, case-insensitive: a plain substring or a glob where `*` is any characters and `?` one (not a regular expression).",
        examples: ["disk * full"],
      }),
    reaction: z
      .string()
      .regex(/^[a-z0-9_+'-]+$/, "must be an emoji name without colons")
      .optional()
      .meta({
        description:
          "An emoji name: someone allowed to start sessions adding it to a message in the channel starts a session about that message.",
        examples: ["rotating_light"],
      }),
    limitPerHour: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(60, "must be at most 60")
      .optional()
      .meta({ description: "Sessions the rule starts at most in any hour. Default 5.", examples: [5] }),
    dedupMinutes: z
      .number()
      .int("must be a whole number")
      .min(0, "must be 0 or more")
      .max(1440, "must be at most 1,440 (a day)")
      .optional()
      .meta({
        description:
          "Identical text within this many minutes is counted in the first session's thread instead of starting another. Default 10.",
        examples: [10],
      }),
  })
  .refine(
    (rule) => rule.bots !== undefined || rule.pattern !== undefined || rule.reaction !== undefined,
    "needs `bots`, `pattern` or `reaction`",
  )
  .meta({ description: "A watched-channel rule." });

export const watchSettingsSchema = z
  .array(watchRuleSettingSchema)
  .refine((rules) => new Set(rules.map((rule) => rule.id)).size === rules.length, "ids must be unique")
  .optional()
  .meta({
    description:
      "Watched channels: rules that start a session when a bot's alert (or a reaction) appears in a channel.",
    examples: [
      [
        {
          id: "ops-alerts",
          channel: "C0123ABCD",
          owner: "U0123ABCD",
          bots: ["B0123ALERT"],
          request: "Investigate this alert.",
        },
      ],
    ],
  });

export type WatchRuleSetting = z.infer<typeof watchRuleSettingSchema>;
