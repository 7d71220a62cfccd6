import { channel } from "../../slack/support/harness.ts";
import type { SlackWithRuntime } from "./slack-with-runtime.ts";

/** A signed button click on a message in `channel`'s thread, by `user` of workspace `team`. */
export function clickAs(
  world: SlackWithRuntime,
  click: { user: string; team: string; actionId: string; value: string; messageTs: string; threadTs: string },
): Promise<number> {
  const { user, team, actionId, value, messageTs, threadTs } = click;
  return world.harness.interaction({
    type: "block_actions",
    user: { id: user, username: user, team_id: team },
    team: { id: world.fake.teamId, domain: "threadwork-test" },
    api_app_id: "A0APP",
    token: "verification-token",
    trigger_id: `trigger.${user}.${messageTs}`,
    container: { type: "message", message_ts: messageTs, channel_id: channel, thread_ts: threadTs },
    channel: { id: channel, name: "general" },
    message: { type: "message", ts: messageTs, thread_ts: threadTs, text: "", user: world.fake.botUserId },
    actions: [{ type: "button", action_id: actionId, block_id: "b", value, action_ts: "1700800000.1" }],
    response_url: "https://hooks.slack.invalid/actions/1",
  });
}
