import { fenceData } from "../../domain/prompts/untrusted-data.ts";
import { mrkdwnText } from "./blocks/format.ts";
import {
  announceSettings,
  explicitChannelSettings,
  newSessionSettings,
} from "./channel-settings/new-session-settings.ts";
import { conversationKey, slackSurface } from "./session-threads.ts";
import type { SlackSurfaceContext } from "./surface-context.ts";

/** What started a session that no person's message started. */
export interface SessionTrigger {
  kind: "schedule" | "watch" | "github";
  /** Plain words: `schedule "Check the deploys"`, `watch rule "alerts" in #ops`, `check run "test" failed`. */
  label: string;
  /** Where it came from (the schedule in App Home, the alert message, the GitHub check run). */
  link?: string;
}

export interface TriggeredStart {
  trigger: SessionTrigger;
  /** The channel whose new thread becomes the session. */
  channel: string;
  /** Who owns the session and approves its risky actions (the schedule's or the rule's owner). */
  ownerId: string;
  /** The request, as the owner would have written it; read by the supervisor as the owner's words. */
  text: string;
  /** Kept on the session's metadata, e.g. `{ scheduleId }`, so a trigger can find its sessions. */
  metadata?: Record<string, unknown>;
  /** What came with the trigger (an alert's text): the supervisor reads it fenced after `text`; the thread does not show it. */
  untrusted?: { source: string; text: string };
}

/** The first line of a triggered thread: what started it, with a link, and for whom. */
export function triggerLine(start: Pick<TriggeredStart, "trigger" | "ownerId">): string {
  const { trigger } = start;
  const icon = { schedule: ":alarm_clock:", watch: ":eyes:", github: ":octocat:" }[trigger.kind];
  const label = mrkdwnText(trigger.label, 300);
  const what = trigger.link ? `<${trigger.link}|${label}>` : label;
  return `${icon} Started by ${what}, for <@${start.ownerId}>.`;
}

/**
 * Starts a session as if its owner had mentioned Threadwork in a new thread of `channel`: the
 * thread opens with what started it, and the session counts against the same budgets and limits
 * and can be stopped like any other. Returns the session and its thread.
 */
export async function startTriggeredSession(
  context: SlackSurfaceContext,
  start: TriggeredStart,
): Promise<{ sessionId: string; threadTs: string }> {
  const { teamId, enterpriseId } = await context.workspace.get();
  if (!teamId) throw new Error("Slack did not say which workspace installed the app (auth.test)");
  // A triggered session runs with its channel's settings like any other started there.
  const explicit = await explicitChannelSettings(context, { teamId, channel: start.channel });
  const inForce = await newSessionSettings(context, explicit, start.channel);
  const header = triggerLine(start);
  const posted = (await context.api.call("chat.postMessage", {
    channel: start.channel,
    text: `${header}\n${mrkdwnText(start.text, 2500)}`,
    unfurl_links: false,
  })) as { ts?: string };
  if (!posted.ts) throw new Error("chat.postMessage returned no ts");
  const threadTs = posted.ts;
  const outcome = await context.runtime.handle({
    type: "user-message",
    key: { surface: slackSurface, conversationKey: conversationKey(teamId, start.channel, threadTs) },
    userId: start.ownerId,
    userName: await context.users.nameOf(start.ownerId),
    text: start.untrusted
      ? `${start.text}\n\n${fenceData(start.untrusted.source, start.untrusted.text)}`
      : start.text,
    metadata: {
      channel: start.channel,
      threadTs,
      teamId,
      ...(enterpriseId ? { enterpriseId } : {}),
      trigger: start.trigger,
      ...start.metadata,
      ...(inForce.settings ? { settings: inForce.settings } : {}),
    },
  });
  if (outcome.type !== "message-accepted")
    throw new Error(`the runtime did not take the request (${outcome.type})`);
  if (outcome.created && inForce.line)
    await announceSettings(context, { channel: start.channel, threadTs }, inForce.line);
  context.threads.remember(outcome.sessionId, {
    teamId,
    enterpriseId,
    channel: start.channel,
    threadTs,
    ownerId: start.ownerId,
  });
  return { sessionId: outcome.sessionId, threadTs };
}
