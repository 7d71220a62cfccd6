import type { SlackSurfaceContext } from "./surface-context.ts";

/** A notice only `user` sees, in the thread the click came from. */
export async function postEphemeral(
  context: Pick<SlackSurfaceContext, "api" | "logger">,
  target: { channel: string | undefined; user: string; threadTs: string | undefined },
  text: string,
): Promise<void> {
  if (!target.channel) return;
  try {
    await context.api.call("chat.postEphemeral", {
      channel: target.channel,
      user: target.user,
      text,
      ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
    });
  } catch (error) {
    context.logger.warn({ err: error }, "could not post an ephemeral notice");
  }
}
