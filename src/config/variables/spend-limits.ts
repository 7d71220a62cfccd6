import { positiveNumber } from "../environment-values.ts";
import { variable } from "../environment-variable.ts";

/** Spend limits beyond the session (docs/spend-limits.md); a workspace's admins may set their own from Slack. */
export const spendLimitVariables = [
  variable({
    name: "THREADWORK_LIMIT_CHANNEL_DAY_USD",
    parse: positiveNumber,
    section: "Limits",
    description:
      "Spend per channel per UTC day in US dollars; at it, new work in the channel pauses until an approver extends it.",
    unsetMeans: "no limit",
    example: "20",
  }),
  variable({
    name: "THREADWORK_LIMIT_TEAM_MONTH_USD",
    parse: positiveNumber,
    section: "Limits",
    description: "Spend per installation (Slack workspace) per UTC month in US dollars.",
    unsetMeans: "no limit",
    example: "500",
  }),
  variable({
    name: "THREADWORK_LIMIT_PERSON_DAY_USD",
    parse: positiveNumber,
    section: "Limits",
    description: "Spend per person per UTC day in US dollars, counted over the sessions they started.",
    unsetMeans: "no limit",
    example: "10",
  }),
] as const;
