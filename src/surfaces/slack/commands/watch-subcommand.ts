import { randomBytes } from "node:crypto";
import { parseWatchCommand, watchUsage } from "../../../domain/watch-command.ts";
import type { WatchRule } from "../../../domain/watch-rule.ts";
import { admit } from "../admit.ts";
import { escapeText } from "../blocks/format.ts";
import type { Subcommand, SubcommandCall } from "./threadwork-subcommand.ts";

/** One line per rule in `/threadwork watch list`. */
export function describeWatchRule(rule: WatchRule): string {
  const what = [
    rule.bots.length > 0 ? `bots ${rule.bots.join(",")}` : "any bot",
    rule.pattern !== undefined ? `matching "${escapeText(rule.pattern)}"` : undefined,
    rule.reaction !== undefined ? `reaction :${rule.reaction}:` : undefined,
    `limit ${rule.hourlyLimit}/h`,
    `dedup ${Math.round(rule.dedupSeconds / 60)}m`,
  ].filter((part) => part !== undefined);
  return `• \`${rule.id}\` (${rule.source === "file" ? "configuration file" : `<@${rule.ownerId}>`}): ${what.join(" ")}: ${escapeText(rule.request)}`;
}

async function run(call: SubcommandCall): Promise<void> {
  const { context, userId, channelId } = call;
  const store = context.watchRules;
  if (!store) {
    await call.reply("Watched channels need Threadwork's database; this instance has none.");
    return;
  }
  const command = parseWatchCommand(call.text);
  if (command.kind === "invalid") {
    await call.reply(`${command.problem}.\nUsage: \`${watchUsage}\``);
    return;
  }
  if (command.kind === "list") {
    const rules = await store.active(channelId);
    await call.reply(
      rules.length === 0
        ? "No watch rules in this channel."
        : [`*Watch rules in <#${channelId}>*`, ...rules.map(describeWatchRule)].join("\n"),
    );
    return;
  }
  if (command.kind === "off") {
    const rule = await store.get(command.ruleId);
    if (rule?.status !== "active" || rule.ownerId !== userId) {
      await call.reply(`You have no active watch rule \`${escapeText(command.ruleId)}\`.`);
      return;
    }
    await store.close(rule.id, `turned off by <@${userId}>`);
    await call.reply(`Watch rule \`${rule.id}\` is off.`);
    return;
  }
  // A rule starts sessions as its creator in this channel: only someone who may start one here.
  const actor = { userId, userTeam: call.teamId, channel: channelId, mayBeShared: true };
  if (!(await admit(context, actor, "start", { threadTs: undefined }))) return;
  const { kind: _kind, ...definition } = command;
  const id = `w${randomBytes(4).toString("hex")}`;
  await store.save({ ...definition, id, source: "command", channel: channelId, ownerId: userId });
  const rule = await store.get(id);
  await call.reply(
    `:eyes: Watching <#${channelId}>. Matching messages start a session you own, and you approve its risky actions.\n${rule ? describeWatchRule(rule) : id}\nTurn it off with \`/threadwork watch off ${id}\`.`,
  );
}

export const watchSubcommand: Subcommand = {
  name: "watch",
  summary: "start a session when a bot's alert (or a reaction) appears in this channel",
  usage: watchUsage,
  run,
};
