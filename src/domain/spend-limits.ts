import type { TeamScope } from "./team-scope.ts";

/**
 * Spend limits beyond the session: each channel per day, each installation (team) per month and
 * each person per day, in micro-dollars, over the usage recorded for the team's sessions.
 * Periods are UTC calendar days and months.
 */
export const spendLimitKinds = ["channel-day", "team-month", "person-day"] as const;
export type SpendLimitKind = (typeof spendLimitKinds)[number];

/** The limit of each kind in micro-dollars; an absent kind has no limit. */
export type SpendLimitAmounts = Partial<Record<SpendLimitKind, number>>;

/** The percentages at which the admins are told, once per period and limit. */
export const spendAlertThresholds = [75, 95] as const;

/** Whom a session's spend counts against: its team, its channel and the person who started it. */
export interface SpendAttribution {
  scope: TeamScope;
  channelId: string | undefined;
  personId: string;
}

/** One limit as it applies to one channel, team or person in one period. */
export interface SpendLimitTarget {
  scope: TeamScope;
  kind: SpendLimitKind;
  /** The channel id, team id or person id the limit counts for. */
  subject: string;
  period: SpendPeriod;
}

export interface SpendPeriod {
  /** `2026-12-08` for a day, `2026-12` for a month. */
  key: string;
  start: Date;
  end: Date;
}

const kindWords: Record<SpendLimitKind, { noun: string; period: string }> = {
  "channel-day": { noun: "channel's daily", period: "today (UTC)" },
  "team-month": { noun: "workspace's monthly", period: "this month (UTC)" },
  "person-day": { noun: "person's daily", period: "today (UTC)" },
};

/** The UTC day or month `now` falls in. */
export function spendPeriod(kind: SpendLimitKind, now: Date): SpendPeriod {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  if (kind === "team-month") {
    const start = new Date(Date.UTC(year, month, 1));
    return { key: start.toISOString().slice(0, 7), start, end: new Date(Date.UTC(year, month + 1, 1)) };
  }
  const start = new Date(Date.UTC(year, month, now.getUTCDate()));
  return { key: start.toISOString().slice(0, 10), start, end: new Date(start.getTime() + 86_400_000) };
}

/** What each kind of limit counts for this session; a session outside a channel has no channel limit. */
export function subjectOf(kind: SpendLimitKind, attribution: SpendAttribution): string | undefined {
  if (kind === "channel-day") return attribution.channelId;
  if (kind === "team-month") return attribution.scope.teamId;
  return attribution.personId;
}

/** The limits in force: a team's own (set from Slack) over the configuration's. */
export function limitsInForce(configured: SpendLimitAmounts, team: SpendLimitAmounts): SpendLimitAmounts {
  const amounts: SpendLimitAmounts = {};
  for (const kind of spendLimitKinds) {
    const amount = team[kind] ?? configured[kind];
    if (amount !== undefined) amounts[kind] = amount;
  }
  return amounts;
}

/** The limits that apply to a session's next turn, each with its subject and current period. */
export function targetsFor(
  attribution: SpendAttribution,
  amounts: SpendLimitAmounts,
  now: Date,
): { target: SpendLimitTarget; limitMicros: number }[] {
  const targets: { target: SpendLimitTarget; limitMicros: number }[] = [];
  for (const kind of spendLimitKinds) {
    const limitMicros = amounts[kind];
    const subject = subjectOf(kind, attribution);
    if (limitMicros === undefined || subject === undefined) continue;
    targets.push({
      target: { scope: attribution.scope, kind, subject, period: spendPeriod(kind, now) },
      limitMicros,
    });
  }
  return targets;
}

/** The alert thresholds (percent) that `spentMicros` has reached, lowest first. */
export function thresholdsReached(spentMicros: number, limitMicros: number): number[] {
  if (limitMicros <= 0) return [...spendAlertThresholds];
  return spendAlertThresholds.filter((percent) => spentMicros * 100 >= limitMicros * percent);
}

/** Whether new work must pause: the spend has reached the limit with this period's extensions. */
export function limitReached(spentMicros: number, limitMicros: number): boolean {
  return spentMicros >= limitMicros;
}

/** One key per limit, subject and period (and threshold, for alerts): unique rows across instances. */
export function spendLimitKey(target: SpendLimitTarget, suffix?: string): string {
  const parts = [
    target.scope.enterpriseId ?? "",
    target.scope.teamId,
    target.kind,
    target.subject,
    target.period.key,
  ];
  return [...parts, ...(suffix === undefined ? [] : [suffix])].join("/");
}

export function dollars(micros: number): string {
  return `$${(micros / 1e6).toFixed(2)}`;
}

/** e.g. "this channel's daily spend limit". */
export function limitName(kind: SpendLimitKind): string {
  return `the ${kindWords[kind].noun} spend limit`;
}

/** Why new work paused, for the requester and the people who may extend the limit. */
export function limitReachedText(kind: SpendLimitKind, spentMicros: number, limitMicros: number): string {
  const name = limitName(kind);
  return `New work is paused: ${name} is reached, ${dollars(spentMicros)} spent of ${dollars(limitMicros)} ${kindWords[kind].period}. Work already running finished its step.`;
}

/** The admins' alert, e.g. "75% of the channel's daily spend limit in <channel>". */
export function alertText(
  target: Pick<SpendLimitTarget, "kind" | "subject">,
  percent: number,
  spentMicros: number,
  limitMicros: number,
): string {
  return `${percent}% of ${limitName(target.kind)} reached: ${dollars(spentMicros)} of ${dollars(limitMicros)} ${kindWords[target.kind].period}.`;
}

/**
 * Who may raise a spend limit: a configured approver or admin, never just the session's owner,
 * since the limit is the team's and not the session's.
 */
export function mayExtendSpendLimit(input: {
  userId: string;
  approvers: readonly string[];
  admins: readonly string[];
}): boolean {
  if (input.userId === "") return false;
  return input.approvers.includes(input.userId) || input.admins.includes(input.userId);
}

/** `12.5` → 12,500,000 micro-dollars; undefined for anything but a positive amount. */
export function parseDollars(text: string): number | undefined {
  const match = /^\$?(\d+(?:\.\d{1,6})?)$/.exec(text.trim());
  if (!match?.[1]) return undefined;
  const micros = Math.round(Number(match[1]) * 1e6);
  return micros > 0 ? micros : undefined;
}

/** An alert for the admins: a limit's spend reached `percent` of it in its period. */
export interface SpendAlert {
  target: SpendLimitTarget;
  percent: number;
  spentMicros: number;
  limitMicros: number;
  /** The alert as a sentence, without where (the surface names the channel, team or person). */
  text: string;
}
