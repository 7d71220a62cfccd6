import type { App } from "@slack/bolt";
import { z } from "zod";
import { admit } from "../admit.ts";
import { postEphemeral } from "../ephemeral.ts";
import { eventScope } from "../event-scope.ts";
import type { SlackThread } from "../session-threads.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { findThreadSession } from "../thread-session.ts";

/** `agent_session_stopped` (docs.slack.dev/reference/events/agent_session_stopped). */
const stoppedSchema = z.looseObject({
  channel: z.string(),
  user: z.string(),
  thread_ts: z.string(),
  streaming_message_ts: z.array(z.string()).optional(),
});

/** `agent_session_title_changed`: a person renamed the session in Slack. */
const titleChangedSchema = z.looseObject({
  channel: z.string(),
  user: z.string(),
  thread_ts: z.string(),
  title: z.string(),
});

const envelopeSchema = z.looseObject({
  event_id: z.string(),
  team_id: z.string(),
  enterprise_id: z.string().nullable().optional(),
  is_ext_shared_channel: z.boolean().optional(),
});

export const strangerStopNote =
  "Only the person who started this session or a configured approver can stop it, so the work goes on.";

interface Delivery {
  eventId: string;
  teamId: string;
  /** The Enterprise Grid organization of an org-wide install. */
  enterpriseId: string | undefined;
  mayBeShared: boolean;
}

function deliveryOf(body: unknown): Delivery | undefined {
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) return undefined;
  return {
    eventId: parsed.data.event_id,
    teamId: parsed.data.team_id,
    enterpriseId: parsed.data.enterprise_id ?? undefined,
    mayBeShared: parsed.data.is_ext_shared_channel === true,
  };
}

async function sessionThread(
  context: SlackSurfaceContext,
  delivery: Delivery,
  channel: string,
  threadTs: string,
): Promise<{ sessionId: string; thread: SlackThread } | undefined> {
  // Slack retries an event it thinks we missed: handle each once.
  if (!(await context.store.claimInboundEvent("slack-event", delivery.eventId))) return undefined;
  const session = await findThreadSession(context, {
    teamId: delivery.teamId,
    userTeam: undefined,
    enterpriseId: delivery.enterpriseId,
    channel,
    threadTs,
  });
  if (!session) return undefined;
  const thread = (await context.threads.get(session.id)) ?? {
    teamId: delivery.teamId,
    channel,
    threadTs,
    ownerId: session.ownerId,
  };
  return { sessionId: session.id, thread };
}

/**
 * Slack's Stop button: the owner or an approver (the crew board's rule) stops every agent
 * of the session; the streams Slack lists end where they are. Anyone else is told so in an
 * ephemeral note, and the status Slack showed is sent again: the work goes on.
 */
async function stop(context: SlackSurfaceContext, delivery: Delivery, event: z.infer<typeof stoppedSchema>) {
  const found = await sessionThread(context, delivery, event.channel, event.thread_ts);
  if (!found) return;
  const { sessionId, thread } = found;
  const where = { threadTs: event.thread_ts };
  const actor = {
    userId: event.user,
    userTeam: undefined,
    channel: event.channel,
    mayBeShared: delivery.mayBeShared,
  };
  // Slack stopped its streams whoever pressed Stop; the question is whether the work stops too.
  const streams = event.streaming_message_ts ?? [];
  if (!(await admit(context, actor, "decide", where))) {
    context.replies.streamsStopped(event.channel, streams, "interrupt");
    await context.sessions.refresh(sessionId, thread, { force: true });
    return;
  }
  if (!(await context.runtime.canDecide(sessionId, event.user, "stop"))) {
    context.logger.info({ sessionId, user: event.user }, "refused a Stop from someone who may not stop");
    context.replies.streamsStopped(event.channel, streams, "interrupt");
    await postEphemeral(
      context,
      { channel: event.channel, user: event.user, threadTs: event.thread_ts },
      strangerStopNote,
    );
    await context.sessions.refresh(sessionId, thread, { force: true });
    return;
  }
  context.replies.streamsStopped(event.channel, streams, "stop");
  const outcome = await context.runtime.handle({ type: "cancel", sessionId, userId: event.user });
  const cancelled = outcome.type === "cancelled" ? outcome.agentIds.length : 0;
  context.board.schedule(sessionId);
  await context.api
    .call("chat.postMessage", {
      channel: event.channel,
      thread_ts: event.thread_ts,
      text: `:octagonal_sign: Stopped by <@${event.user}>${cancelled > 0 ? `: ${cancelled} sub-agent${cancelled === 1 ? "" : "s"} cancelled` : ""}. Write here to start again.`,
    })
    .catch((error: unknown) => context.logger.warn({ err: error }, "could not confirm a Stop"));
  // The stopped turn's text is dropped, so the supervisor counts as resting.
  await context.sessions.rested(sessionId, thread);
}

/** A person renamed the session in Slack: the session keeps that title (App Home shows it). */
async function retitle(
  context: SlackSurfaceContext,
  delivery: Delivery,
  event: z.infer<typeof titleChangedSchema>,
) {
  const found = await sessionThread(context, delivery, event.channel, event.thread_ts);
  if (!found) return;
  const actor = {
    userId: event.user,
    userTeam: undefined,
    channel: event.channel,
    mayBeShared: delivery.mayBeShared,
  };
  const decision = await context.access.check(actor, "view");
  if (!decision.allowed) {
    context.logger.info({ user: event.user, reason: decision.reason }, "ignored a session rename");
    return;
  }
  await context.runtime.handle({
    type: "rename-session",
    sessionId: found.sessionId,
    userId: event.user,
    title: event.title,
  });
}

/** Events of Slack's agent sessions: the native Stop button and renames by people. */
export function register(app: App, shared: SlackSurfaceContext): void {
  app.event("agent_session_stopped", async ({ event, body, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    const delivery = deliveryOf(body);
    const parsed = stoppedSchema.safeParse(event);
    if (!delivery || !parsed.success) return;
    await context.track(stop(context, delivery, parsed.data));
  });
  app.event("agent_session_title_changed", async ({ event, body, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    const delivery = deliveryOf(body);
    const parsed = titleChangedSchema.safeParse(event);
    if (!delivery || !parsed.success) return;
    await context.track(retitle(context, delivery, parsed.data));
  });
}
