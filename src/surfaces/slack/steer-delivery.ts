import type { SteerResult } from "../../runtime/runtime-api.ts";
import { mrkdwnText } from "./blocks/format.ts";
import { postEphemeral } from "./ephemeral.ts";
import type { SlackSurfaceContext } from "./surface-context.ts";

/** Told to someone who may not steer: the runtime refused, nothing was kept. */
export const steerRefusal =
  "Only the person who started this session or a configured approver can steer its agents. Your message was not passed on.";

/** Told when the runtime could not take the steer. */
const steerFailedNote =
  ":warning: I could not pass your message on just now. Please send it again in a minute.";

/** What the person who steered is told, in a note only they see. */
export function steerNotice(result: SteerResult, number: number | undefined): string {
  const name = (title: string) => `${number === undefined ? "" : `#${number} `}*${mrkdwnText(title, 100)}*`;
  switch (result.kind) {
    case "delivered":
      return result.status === "waiting"
        ? `Sent to ${name(result.agentTitle)}. It is waiting for an answer or approval in this thread and reads your message right after it.`
        : `Sent to ${name(result.agentTitle)}. It reads your message after the step it is on (a tool call in flight finishes first); the supervisor is told too.`;
    case "redirected":
      return `${name(result.agentTitle)} has ${result.status === "done" ? "finished" : result.status === "failed" ? "failed" : "been stopped"}, so your message went to the supervisor instead; it can act on it or restart that work.`;
    case "not-authorized":
      return steerRefusal;
    case "not-found":
      return "This session has no such agent. The crew board numbers its agents (#1, #2, …).";
  }
}

/** Hands a steer to the runtime and tells the person what became of it. */
export async function deliverSteer(
  context: Pick<SlackSurfaceContext, "runtime" | "api" | "logger" | "users">,
  steer: { sessionId: string; agentId: string; userId: string; text: string; number: number | undefined },
  where: { channel: string | undefined; threadTs: string | undefined },
): Promise<void> {
  let outcome: Awaited<ReturnType<typeof context.runtime.handle>>;
  try {
    outcome = await context.runtime.handle({
      type: "steer",
      sessionId: steer.sessionId,
      agentId: steer.agentId,
      userId: steer.userId,
      userName: await context.users.nameOf(steer.userId),
      text: steer.text,
    });
  } catch (error) {
    // The event is already claimed, so Slack's retry would be dropped: say so instead.
    context.logger.error({ err: error, sessionId: steer.sessionId }, "could not hand a steer to the runtime");
    await postEphemeral(context, { ...where, user: steer.userId }, steerFailedNote);
    return;
  }
  const result: SteerResult = outcome.type === "steer" ? outcome.result : { kind: "not-found" };
  await postEphemeral(context, { ...where, user: steer.userId }, steerNotice(result, steer.number));
}
