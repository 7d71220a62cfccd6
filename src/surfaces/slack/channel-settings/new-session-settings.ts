import { channelTopic } from "../../../adapters/slack/channel-topic.ts";
import {
  type ChannelSettings,
  resolveChannelSettings,
  sessionSettingsFrom,
  settingsLine,
} from "../../../domain/channel-settings.ts";
import type { SessionSettings } from "../../../domain/session-settings.ts";
import { truncate } from "../../../domain/text.ts";
import { contextLine } from "../blocks/block.ts";
import { postEphemeral } from "../ephemeral.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { teamScopeOf } from "./settings-modal-flow.ts";

/** What someone refused by a channel's "who may start sessions" is told. */
export const starterRefusal =
  "This channel's settings name who may start Threadwork sessions here, and you are not among them. Nothing was started.";

/** A channel's explicit settings; none in a DM, without a database, or when they cannot be read. */
export async function explicitChannelSettings(
  context: SlackSurfaceContext,
  where: { teamId: string | undefined; channel: string },
): Promise<ChannelSettings | undefined> {
  const settings = context.channelSettings;
  if (!settings || where.channel.startsWith("D")) return undefined;
  try {
    const scope = await teamScopeOf(context, where.teamId);
    return scope ? (await settings.store.current(scope, where.channel))?.settings : undefined;
  } catch (error) {
    context.logger.warn({ err: error, channel: where.channel }, "could not read the channel's settings");
    return undefined;
  }
}

/** Whether `userId` may start a session under these settings (always, when they name nobody). */
export async function mayStartSession(
  context: SlackSurfaceContext,
  explicit: ChannelSettings | undefined,
  userId: string,
): Promise<boolean> {
  const starters = explicit?.starters ?? [];
  if (starters.length === 0 || starters.includes(userId)) return true;
  const groups = starters.filter((id) => id.startsWith("S"));
  return groups.length > 0 && context.channelSettings
    ? context.channelSettings.groups.includesAny(groups, userId)
    : false;
}

/**
 * What a new session in `channel` runs with (for its metadata) and the line naming it: the
 * explicit settings, the topic's `repo:NAME` (read only when no repository is set), and approver
 * groups resolved to their members now.
 */
export async function newSessionSettings(
  context: SlackSurfaceContext,
  explicit: ChannelSettings | undefined,
  channel: string,
): Promise<{ settings: SessionSettings | undefined; line: string | undefined }> {
  const options = context.channelSettings;
  if (!options || channel.startsWith("D")) return { settings: undefined, line: undefined };
  const topic = explicit?.repository
    ? undefined
    : await channelTopic(context.api, channel).catch((error: unknown) => {
        context.logger.debug({ err: error, channel }, "could not read the channel's topic");
        return undefined;
      });
  const inForce = resolveChannelSettings({
    explicit,
    topic,
    deployment: {
      repositories: options.choices.repositories,
      defaultRepository: options.choices.defaultRepository,
    },
  });
  const approvers = explicit?.approvers ?? [];
  const members = await Promise.all(
    approvers.map((id) => (id.startsWith("S") ? options.groups.members(id) : Promise.resolve([id]))),
  );
  const settings = sessionSettingsFrom(inForce, [...new Set(members.flat())]);
  return {
    settings: Object.keys(settings).length > 0 ? settings : undefined,
    line: settingsLine(inForce),
  };
}

/** The session's first message in its thread: the channel settings in force. */
export async function announceSettings(
  context: SlackSurfaceContext,
  where: { channel: string; threadTs: string },
  line: string,
): Promise<void> {
  // Built from configured names, checked ids and mentions only: it is mrkdwn as it stands.
  const text = truncate(line, 2900);
  try {
    await context.api.call("chat.postMessage", {
      channel: where.channel,
      thread_ts: where.threadTs,
      text,
      blocks: [contextLine(text)],
      unfurl_links: false,
    });
  } catch (error) {
    context.logger.warn({ err: error }, "could not name the channel settings in the thread");
  }
}

/**
 * For a session about to start in `channel`: the settings it runs with and the line naming
 * them, or `refused` (and the person told) when the channel's settings do not let them start.
 */
export async function settingsToStart(
  context: SlackSurfaceContext,
  where: { teamId: string | undefined; channel: string; userId: string; threadTs: string | undefined },
): Promise<{ settings: SessionSettings | undefined; line: string | undefined } | "refused"> {
  const explicit = await explicitChannelSettings(context, where);
  if (!(await mayStartSession(context, explicit, where.userId))) {
    context.logger.info({ user: where.userId, channel: where.channel }, "refused by the channel's starters");
    await postEphemeral(
      context,
      { channel: where.channel, user: where.userId, threadTs: where.threadTs },
      starterRefusal,
    );
    return "refused";
  }
  return newSessionSettings(context, explicit, where.channel);
}
