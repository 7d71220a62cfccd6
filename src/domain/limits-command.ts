import { parseDollars, type SpendLimitKind } from "./spend-limits.ts";

/** What `/threadwork limits …` asks for. */
export type LimitsCommand =
  | { kind: "show" }
  | { kind: "set"; limit: SpendLimitKind; amountMicros: number }
  | { kind: "clear"; limit: SpendLimitKind }
  | { kind: "invalid"; problem: string };

export const limitsUsage =
  "/threadwork limits [set channel|team|person <dollars> | clear channel|team|person]";

const limitWords: Record<string, SpendLimitKind> = {
  channel: "channel-day",
  "channel-day": "channel-day",
  team: "team-month",
  workspace: "team-month",
  "team-month": "team-month",
  person: "person-day",
  "person-day": "person-day",
};

/** Parses the text after `/threadwork limits`. */
export function parseLimitsCommand(text: string): LimitsCommand {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((word) => word !== "");
  const [verb, which, amount, ...rest] = words.map((word) => word.toLowerCase());
  if (verb === undefined || verb === "show" || verb === "list") return { kind: "show" };
  if (verb !== "set" && verb !== "clear")
    return { kind: "invalid", problem: `Unknown limits command "${verb}"` };
  const limit = which === undefined ? undefined : limitWords[which];
  if (!limit)
    return {
      kind: "invalid",
      problem: "Name the limit: channel (per day), team (per month) or person (per day)",
    };
  if (verb === "clear") {
    return amount === undefined
      ? { kind: "clear", limit }
      : { kind: "invalid", problem: "clear takes no amount" };
  }
  const amountMicros = amount === undefined ? undefined : parseDollars(amount);
  if (amountMicros === undefined || rest.length > 0) {
    return { kind: "invalid", problem: "Give the limit in dollars, e.g. 20 or 12.50" };
  }
  return { kind: "set", limit, amountMicros };
}
