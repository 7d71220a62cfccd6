import { type SpendLimitKind, spendPeriod } from "../../domain/spend-limits.ts";
import type { TeamScope } from "../../domain/team-scope.ts";
import type { SpendHome, SpendRow } from "./blocks/spend-limits.ts";
import type { SlackSurfaceContext } from "./surface-context.ts";

/**
 * What App Home shows of the viewer's team's spend: the month, channels today and people today
 * (admins see everyone, others themselves), each against its limit with this period's extensions.
 */
export async function spendHome(
  context: SlackSurfaceContext,
  scope: TeamScope,
  viewerId: string,
): Promise<SpendHome | undefined> {
  const store = context.spendLimits;
  if (!store) return undefined;
  const now = context.now();
  const { inForce } = await store.limits(scope);
  const overview = await store.overview(scope, now);
  const row = async (kind: SpendLimitKind, subject: string, label: string, spentMicros: number) => {
    const base = inForce[kind];
    if (base === undefined) return { label, spentMicros, limitMicros: undefined } satisfies SpendRow;
    const standing = await store.standing({ scope, kind, subject, period: spendPeriod(kind, now) }, base);
    return { label, spentMicros, limitMicros: standing.limitMicros } satisfies SpendRow;
  };
  const everyone = await context.admins.isAdmin(viewerId);
  const people = everyone
    ? overview.people
    : [
        {
          personId: viewerId,
          micros: overview.people.find((person) => person.personId === viewerId)?.micros ?? 0,
        },
      ];
  return {
    workspaceMonth: await row("team-month", scope.teamId, "This workspace", overview.teamMonthMicros),
    channelsToday: await Promise.all(
      overview.channels.map((channel) =>
        row("channel-day", channel.channelId, `<#${channel.channelId}>`, channel.micros),
      ),
    ),
    peopleToday: await Promise.all(
      people.map((person) => row("person-day", person.personId, `<@${person.personId}>`, person.micros)),
    ),
    everyone,
  };
}
