import { mentions, mentionsOthers } from "../../../adapters/slack/slack-message.ts";
import { replyIsForThreadwork } from "../../../domain/follow-up-rule.ts";
import type { SessionSnapshot } from "../../../domain/sessions.ts";
import { numberedWorkers, parseSteerAddress } from "../../../domain/steer-address.ts";
import { postEphemeral } from "../ephemeral.ts";
import { deliverSteer } from "../steer-delivery.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";

/**
 * What a reply in a session's thread is: `steered` (addressed to one worker and handled here),
 * an `aside` (addressed to other people: quiet context, no turn, nothing shown), or a `message`
 * for the supervisor.
 */
type ReplyRoute = "steered" | "aside" | "message";

interface ThreadReply {
  session: SessionSnapshot;
  userId: string;
  /** As Slack sent it, mentions included. */
  rawText: string;
  /** Without the bot's own mention: what the person said. */
  text: string;
  /** A plain reply (a `message` event), not a mention of the bot nor a DM: the follow-up rule applies. */
  plainReply: boolean;
  botUserId: string | undefined;
  channel: string;
  threadTs: string;
}

/** Decides where a reply in a thread that has a session goes; a steer is delivered here. */
export async function routeThreadReply(
  context: SlackSurfaceContext,
  reply: ThreadReply,
): Promise<ReplyRoute> {
  const workers = numberedWorkers(await context.runtime.listAgents(reply.session.id));
  const address = parseSteerAddress(
    reply.text,
    workers.map(({ number, agent }) => ({ number, title: agent.title })),
  );
  const where = { channel: reply.channel, threadTs: reply.threadTs };
  if (address.kind === "unknown-agent") {
    await postEphemeral(
      context,
      { ...where, user: reply.userId },
      `This session has no agent #${address.number}; it has ${workers.length === 1 ? "#1" : `#1 to #${workers.length}`} (see the crew board). Your message was not passed on.`,
    );
    return "steered";
  }
  if (address.kind === "agent") {
    const target = workers.find((worker) => worker.number === address.number);
    if (target) {
      await deliverSteer(
        context,
        {
          sessionId: reply.session.id,
          agentId: target.agent.id,
          userId: reply.userId,
          text: address.text,
          number: target.number,
        },
        where,
      );
      return "steered";
    }
  }
  if (!reply.plainReply) return "message";
  const forThreadwork = replyIsForThreadwork(context.followUpRule, {
    mentionsBot: mentions(reply.rawText, reply.botUserId),
    mentionsOthers: mentionsOthers(reply.rawText, reply.botUserId),
  });
  return forThreadwork ? "message" : "aside";
}
