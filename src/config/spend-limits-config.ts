import { z } from "zod";
import type { SpendLimitAmounts, SpendLimitKind } from "../domain/spend-limits.ts";
import type { Environment } from "./environment-schema.ts";

const dollars = z.number().positive("must be more than 0").max(1_000_000, "must be at most 1,000,000");

/** The configuration file's `spendLimits` (docs/spend-limits.md); the same as the THREADWORK_LIMIT_* variables. */
export const spendLimitsSettingSchema = z
  .strictObject({
    channelPerDayUsd: dollars.optional().meta({
      description: "Spend per channel per UTC day in US dollars; at it, new work in the channel pauses.",
      examples: [20],
    }),
    teamPerMonthUsd: dollars.optional().meta({
      description: "Spend per installation (Slack workspace) per UTC month in US dollars.",
      examples: [500],
    }),
    personPerDayUsd: dollars.optional().meta({
      description: "Spend per person per UTC day in US dollars, over the sessions they started.",
      examples: [10],
    }),
  })
  .meta({
    description:
      "Spend limits beyond the session, in US dollars. A workspace's admins may set their own with /threadwork limits.",
    examples: [{ channelPerDayUsd: 20, teamPerMonthUsd: 500 }],
  });

type SpendLimitsSetting = z.infer<typeof spendLimitsSettingSchema>;

type LimitVariable =
  | "THREADWORK_LIMIT_CHANNEL_DAY_USD"
  | "THREADWORK_LIMIT_TEAM_MONTH_USD"
  | "THREADWORK_LIMIT_PERSON_DAY_USD";

const sources: { kind: SpendLimitKind; variable: LimitVariable; field: keyof SpendLimitsSetting }[] = [
  { kind: "channel-day", variable: "THREADWORK_LIMIT_CHANNEL_DAY_USD", field: "channelPerDayUsd" },
  { kind: "team-month", variable: "THREADWORK_LIMIT_TEAM_MONTH_USD", field: "teamPerMonthUsd" },
  { kind: "person-day", variable: "THREADWORK_LIMIT_PERSON_DAY_USD", field: "personPerDayUsd" },
];

/**
 * The spend limits in micro-dollars from the environment and the file's `spendLimits`; a limit
 * both give differently is refused, as every setting the two share.
 */
export function combineSpendLimits(
  environment: Environment,
  file: { path: string; settings: SpendLimitsSetting | undefined } | undefined,
): { amounts: SpendLimitAmounts; problems: string[] } {
  const amounts: SpendLimitAmounts = {};
  const problems: string[] = [];
  for (const { kind, variable, field } of sources) {
    const fromEnvironment = environment[variable];
    const fromFile = file?.settings?.[field];
    if (fromEnvironment !== undefined && fromFile !== undefined && fromEnvironment !== fromFile) {
      problems.push(
        `The ${kind} spend limit is set both by ${variable} and in ${file?.path} (spendLimits.${field}); set it in one place`,
      );
    }
    const usd = fromFile ?? fromEnvironment;
    if (usd !== undefined) amounts[kind] = Math.round(usd * 1e6);
  }
  return { amounts, problems };
}
