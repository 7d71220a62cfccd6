import { limitsUsage, parseLimitsCommand } from "../../../domain/limits-command.ts";
import { dollars, limitName, type SpendLimitKind, spendPeriod } from "../../../domain/spend-limits.ts";
import type { TeamScope } from "../../../domain/team-scope.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { teamScopeOf } from "../team-scope-of.ts";
import type { Subcommand, SubcommandCall } from "./threadwork-subcommand.ts";

async function standingLine(
  context: SlackSurfaceContext,
  scope: TeamScope,
  kind: SpendLimitKind,
  subject: string,
  baseMicros: number | undefined,
): Promise<string> {
  if (baseMicros === undefined) return `• ${limitName(kind)}: none`;
  const period = spendPeriod(kind, context.now());
  const store = context.spendLimits;
  const standing = store ? await store.standing({ scope, kind, subject, period }, baseMicros) : undefined;
  const spent = standing ? `${dollars(standing.spentMicros)} spent of ${dollars(standing.limitMicros)}` : "";
  return `• ${limitName(kind)}: ${dollars(baseMicros)} (${period.key}: ${spent})`;
}

async function show(call: SubcommandCall, scope: TeamScope): Promise<void> {
  const store = call.context.spendLimits;
  if (!store) return;
  const { inForce, team } = await store.limits(scope);
  const lines = [
    await standingLine(call.context, scope, "channel-day", call.channelId, inForce["channel-day"]),
    await standingLine(call.context, scope, "team-month", scope.teamId, inForce["team-month"]),
    await standingLine(call.context, scope, "person-day", call.userId, inForce["person-day"]),
  ];
  const own = Object.keys(team).length > 0 ? "Some are this workspace's own, set with this command." : "";
  await call.reply(
    [
      `*Spend limits* (this channel, this workspace, you) ${own}`,
      ...lines,
      `Change them: \`${limitsUsage}\``,
    ].join("\n"),
  );
}

/** A limit set or cleared from Slack is a settings change, and the audit trail keeps it. */
async function recordChange(call: SubcommandCall, scope: TeamScope, detail: string): Promise<void> {
  await call.context.audit
    ?.record({
      scope,
      action: "settings-changed",
      actorId: call.userId,
      channelId: call.channelId,
      detail: `spend limits: ${detail}`,
    })
    .catch((error: unknown) =>
      call.context.logger.warn({ err: error }, "could not record a spend limit change"),
    );
}

async function run(call: SubcommandCall): Promise<void> {
  const { context, userId } = call;
  const store = context.spendLimits;
  const scope = await teamScopeOf(context, call.teamId);
  if (!store || !scope) {
    await call.reply("Spend limits need Threadwork's database; this instance has none.");
    return;
  }
  const command = parseLimitsCommand(call.text);
  if (command.kind === "invalid") {
    await call.reply(`${command.problem}.\nUsage: \`${limitsUsage}\``);
    return;
  }
  if (command.kind === "show") return show(call, scope);
  if (!(await context.admins.isAdmin(userId, scope.teamId))) {
    await call.reply(
      "Only workspace admins and Threadwork's admins can change spend limits. Nothing was changed.",
    );
    return;
  }
  if (command.kind === "clear") {
    await store.clear(scope, command.limit);
    context.logger.info({ userId, teamId: scope.teamId, limit: command.limit }, "spend limit cleared");
    await recordChange(call, scope, `cleared this workspace's own ${limitName(command.limit)}`);
    await call.reply(`Cleared this workspace's own ${limitName(command.limit)}; the configured one applies.`);
    return;
  }
  await store.set(scope, command.limit, command.amountMicros, userId);
  context.logger.info({ userId, teamId: scope.teamId, limit: command.limit }, "spend limit set");
  await recordChange(call, scope, `set ${limitName(command.limit)} to ${dollars(command.amountMicros)}`);
  await call.reply(`Set ${limitName(command.limit)} to ${dollars(command.amountMicros)} for this workspace.`);
}

export const limitsSubcommand: Subcommand = {
  name: "limits",
  summary: "show spend limits, or (admins) set them per channel per day, team per month, person per day",
  usage: limitsUsage,
  run,
};
