import { z } from "zod";
import { type SpendLimitTarget, spendLimitKey, spendLimitKinds } from "./spend-limits.ts";

/**
 * What a paused session's budget request carries when a spend limit paused it (its `action`):
 * the limit, its subject and period, so Extend raises that limit for that period and resumes every
 * session it paused. `key` is `spendLimitKey(target)`.
 */
export type SpendLimitPause = {
  spendLimit: {
    key: string;
    teamId: string;
    enterpriseId: string | null;
    kind: SpendLimitTarget["kind"];
    subject: string;
    periodKey: string;
    periodStart: string;
    periodEnd: string;
    /** The limit in force before any extension: Extend adds it again. */
    baseMicros: number;
  };
};

/** A spend limit's request is keyed `spend:<step>` per agent, beside the session budget's `budget:<step>`. */
export const spendRequestPrefix = "spend:";

export function spendLimitPause(target: SpendLimitTarget, baseMicros: number): SpendLimitPause {
  return {
    spendLimit: {
      key: spendLimitKey(target),
      teamId: target.scope.teamId,
      enterpriseId: target.scope.enterpriseId ?? null,
      kind: target.kind,
      subject: target.subject,
      periodKey: target.period.key,
      periodStart: target.period.start.toISOString(),
      periodEnd: target.period.end.toISOString(),
      baseMicros,
    },
  };
}

const pauseSchema = z.object({
  spendLimit: z.object({
    key: z.string(),
    teamId: z.string(),
    enterpriseId: z.string().nullable(),
    kind: z.enum(spendLimitKinds),
    subject: z.string(),
    periodKey: z.string(),
    periodStart: z.iso.datetime(),
    periodEnd: z.iso.datetime(),
    baseMicros: z.number().int().positive(),
  }),
});

/** The limit a stored request paused on, or undefined for any other request (a session budget). */
export function parseSpendLimitPause(
  action: unknown,
): { target: SpendLimitTarget; baseMicros: number; key: string } | undefined {
  const parsed = pauseSchema.safeParse(action);
  if (!parsed.success) return undefined;
  const pause = parsed.data.spendLimit;
  return {
    key: pause.key,
    baseMicros: pause.baseMicros,
    target: {
      scope: { teamId: pause.teamId, enterpriseId: pause.enterpriseId ?? undefined },
      kind: pause.kind,
      subject: pause.subject,
      period: { key: pause.periodKey, start: new Date(pause.periodStart), end: new Date(pause.periodEnd) },
    },
  };
}
