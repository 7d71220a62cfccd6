import type { InstallingWorkspace } from "../../adapters/slack/installing-workspace.ts";
import type { Config } from "../../config/config.ts";
import type { Logger } from "../../logger.ts";

/** Says at start-up whose input the surface takes; input is refused while this is unknown. */
export async function logAccess(
  workspace: InstallingWorkspace,
  lists: Config["slack"]["access"],
  logger: Logger,
): Promise<void> {
  try {
    const home = await workspace.get();
    logger.info(
      {
        installingTeam: home.teamId,
        installingEnterprise: home.enterpriseId,
        allowedTeams: lists?.teams.length ?? 0,
        userList: (lists?.users.length ?? 0) + (lists?.usergroups.length ?? 0) > 0,
        channelList: (lists?.channels.length ?? 0) > 0,
      },
      "Slack access: the installing workspace's people, plus any allowed teams",
    );
  } catch (error) {
    logger.error({ err: error }, "auth.test failed: Slack input is refused until the workspace is known");
  }
}
