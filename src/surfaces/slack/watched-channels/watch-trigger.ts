import { randomUUID } from "node:crypto";
import { z } from "zod";
import { slackErrorOf } from "../../../adapters/slack/slack-errors.ts";
import { counted } from "../../../domain/plural.ts";
import { alertFingerprint, type WatchRule, watchDefaults } from "../../../domain/watch-rule.ts";
import { contextLine } from "../blocks/block.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { startTriggeredSession } from "../triggered-session.ts";
import type { WatchRuleStore } from "./watch-rule-store.ts";

/** A message in a watched channel that matched a rule: its text is whoever wrote it's, never the owner's. */
export interface WatchedAlert {
  channel: string;
  ts: string;
  text: string;
  /** Who wrote it, for the fence: `bot B123`, `reaction :eyes: by U456 on a message`. */
  source: string;
}

/** Slack errors after which the rule cannot start anything in its channel again. */
const fatalSlackErrors = new Set([
  "is_archived",
  "channel_not_found",
  "not_in_channel",
  "channel_is_archived",
]);

const deletedUserSchema = z.object({ user: z.object({ deleted: z.boolean().optional() }) });

/** True only when Slack says the owner's account is deactivated; unknown counts as present. */
async function ownerHasLeft(context: SlackSurfaceContext, ownerId: string): Promise<boolean> {
  try {
    const parsed = deletedUserSchema.safeParse(await context.api.call("users.info", { user: ownerId }));
    return parsed.success && parsed.data.user.deleted === true;
  } catch {
    return false;
  }
}

async function permalinkOf(context: SlackSurfaceContext, alert: WatchedAlert): Promise<string | undefined> {
  try {
    const response = await context.api.call("chat.getPermalink", {
      channel: alert.channel,
      message_ts: alert.ts,
    });
    return typeof response.permalink === "string" ? response.permalink : undefined;
  } catch {
    return undefined;
  }
}

/** One quiet note in the session's thread, edited as identical alerts keep coming. */
async function showRepeats(
  context: SlackSurfaceContext,
  rule: WatchRule,
  started: { sessionId: string; threadTs: string },
  repeats: number,
): Promise<void> {
  const text = `:repeat: The same alert came ${counted(repeats, "more time")}; no new session was started.`;
  await context.publisher.publish(
    started.sessionId,
    "watch-repeats",
    { teamId: "", channel: rule.channel, threadTs: started.threadTs, ownerId: rule.ownerId },
    { text, blocks: [contextLine(text)] },
  );
}

/** Closes the rule and tells its owner by DM; only the instance that closed it tells them. */
export async function closeWatchRule(
  context: SlackSurfaceContext,
  store: WatchRuleStore,
  rule: Pick<WatchRule, "id" | "channel" | "ownerId">,
  reason: string,
): Promise<void> {
  if (!(await store.close(rule.id, reason))) return;
  context.logger.warn({ watchRule: rule.id, channel: rule.channel, reason }, "a watch rule closed itself");
  await context.api
    .call("chat.postMessage", {
      channel: rule.ownerId,
      text: `:no_entry: Your watch rule \`${rule.id}\` in <#${rule.channel}> stopped: ${reason}. It starts no more sessions; create a new one with \`/threadwork watch\` once this is fixed.`,
    })
    .catch((error: unknown) => {
      context.logger.warn(
        { err: error, watchRule: rule.id },
        "could not tell a watch rule's owner it closed",
      );
    });
}

/**
 * A matching alert: starts the rule's session unless the hourly limit is reached; an identical
 * alert within the dedup window only counts as a repeat in the first one's thread.
 */
export async function triggerWatchRule(
  context: SlackSurfaceContext,
  store: WatchRuleStore,
  rule: WatchRule,
  alert: WatchedAlert,
): Promise<void> {
  const logger = context.logger.child({ watchRule: rule.id, channel: rule.channel });
  const claim = await store.claim({
    ruleId: rule.id,
    fingerprint: alertFingerprint(alert.text),
    now: context.now(),
    triggerId: `wtr_${randomUUID()}`,
  });
  if (claim.kind === "closed") return;
  if (claim.kind === "limited") {
    logger.info(
      { hourlyLimit: rule.hourlyLimit },
      "a watch rule reached its hourly limit; the alert is ignored",
    );
    return;
  }
  if (claim.kind === "repeat") {
    // While the first alert's session is starting, its start posts the count.
    if (claim.started) await showRepeats(context, rule, claim.started, claim.repeats);
    return;
  }
  if (await ownerHasLeft(context, rule.ownerId)) {
    await closeWatchRule(context, store, rule, "its owner is no longer in the workspace");
    return;
  }
  try {
    const started = await startTriggeredSession(context, {
      trigger: { kind: "watch", label: `watch rule ${rule.id}`, link: await permalinkOf(context, alert) },
      channel: rule.channel,
      ownerId: rule.ownerId,
      text: rule.request,
      untrusted: { source: alert.source, text: alert.text },
      metadata: { watchRuleId: rule.id },
    });
    const repeats = await store.started(claim.triggerId, started);
    if (repeats > 0) await showRepeats(context, rule, started, repeats);
  } catch (error) {
    const failures = await store.failed(rule.id);
    const slackError = slackErrorOf(error);
    logger.warn({ err: error, failures }, "a watch rule could not start its session");
    if (fatalSlackErrors.has(slackError)) {
      await closeWatchRule(context, store, rule, `Slack refuses to post in the channel (${slackError})`);
    } else if (failures >= watchDefaults.failureLimit) {
      await closeWatchRule(context, store, rule, `its last ${failures} sessions failed to start`);
    }
  }
}
