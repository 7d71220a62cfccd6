import { admit } from "../admit.ts";
import { settingsHistoryText } from "../channel-settings/settings-history-text.ts";
import { openSettingsModal, teamScopeOf } from "../channel-settings/settings-modal-flow.ts";
import type { Subcommand, SubcommandCall } from "./threadwork-subcommand.ts";

/** `/threadwork settings history`: the channel's settings and who changed what, for anyone of the workspace. */
async function history(call: SubcommandCall): Promise<void> {
  const settings = call.context.channelSettings;
  if (!settings) return;
  const actor = { userId: call.userId, userTeam: undefined, channel: call.channelId, mayBeShared: true };
  if (!(await admit(call.context, actor, "view", { threadTs: undefined }))) return;
  const scope = await teamScopeOf(call.context, call.teamId);
  if (!scope) return;
  await call.reply(
    settingsHistoryText(call.channelId, await settings.store.history(scope, call.channelId, 10)),
  );
}

/** `/threadwork settings`: an admin opens this channel's settings modal; `history` lists the changes. */
export const settingsSubcommand: Subcommand = {
  name: "settings",
  summary:
    "set this channel's repository, models, budget, approvers, who may start and MCP tools (admins); `history` shows who changed what",
  usage: "/threadwork settings [history]",
  async run(call) {
    const settings = call.context.channelSettings;
    if (!settings) {
      await call.reply("Channel settings need Threadwork's database; this instance has none.");
      return;
    }
    if (call.channelId.startsWith("D")) {
      await call.reply("Channel settings are set in a channel: type `/threadwork settings` there.");
      return;
    }
    if (call.text.toLowerCase() === "history") {
      await history(call);
      return;
    }
    await openSettingsModal(call.context, settings, {
      userId: call.userId,
      userTeam: undefined,
      teamId: call.teamId,
      channel: call.channelId,
      triggerId: call.triggerId,
      reply: call.reply,
    });
  },
};
