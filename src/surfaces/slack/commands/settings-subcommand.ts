import { openSettingsModal } from "../channel-settings/settings-modal-flow.ts";
import type { Subcommand } from "./threadwork-subcommand.ts";

/** `/threadwork settings`: an admin opens this channel's settings modal. */
export const settingsSubcommand: Subcommand = {
  name: "settings",
  summary:
    "set this channel's repository, models, budget, approvers, who may start and MCP tools (admins only)",
  usage: "/threadwork settings",
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
