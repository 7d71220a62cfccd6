import { type AccessPurpose, type Actor, refusalNotes } from "./access-control.ts";
import { postEphemeral } from "./ephemeral.ts";
import type { SlackSurfaceContext } from "./surface-context.ts";

/**
 * Checks `actor` for `purpose`. A refusal is logged and explained to the actor in an
 * ephemeral note where they acted; nothing else happens.
 */
export async function admit(
  context: Pick<SlackSurfaceContext, "access" | "api" | "logger">,
  actor: Actor,
  purpose: AccessPurpose,
  where: { threadTs: string | undefined },
): Promise<boolean> {
  const decision = await context.access.check(actor, purpose);
  if (decision.allowed) return true;
  context.logger.info(
    {
      user: actor.userId,
      userTeam: actor.userTeam,
      channel: actor.channel,
      purpose,
      reason: decision.reason,
    },
    "refused Slack input",
  );
  await postEphemeral(
    context,
    { channel: actor.channel, user: actor.userId, threadTs: where.threadTs },
    refusalNotes[decision.reason],
  );
  return false;
}
