import type { App } from "@slack/bolt";
import { z } from "zod";
import { isFromPerson, messageText, slackMessageSchema } from "../../../adapters/slack/slack-message.ts";
import { conversationKey, slackSurface } from "../session-threads.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";

const editSchema = z.looseObject({
  subtype: z.literal("message_changed"),
  channel: z.string(),
  message: slackMessageSchema,
});

/**
 * A person edited a message of a thread that has a session: the kept copy takes the new text, so
 * what is read of the thread later says what the thread says. An edit starts no turn.
 */
export function register(app: App, context: SlackSurfaceContext): void {
  app.event("message", async ({ event, body, context: boltContext }) => {
    const edit = editSchema.safeParse(event);
    const teamId = (body as { team_id?: unknown }).team_id;
    if (!edit.success || typeof teamId !== "string") return;
    const { channel, message } = edit.data;
    const threadTs = message.thread_ts;
    if (!threadTs || !isFromPerson(message, boltContext.botUserId)) return;
    const enterprise = (body as { enterprise_id?: unknown }).enterprise_id;
    await context.track(
      (async () => {
        const key = { surface: slackSurface, conversationKey: conversationKey(teamId, channel, threadTs) };
        if (!(await context.runtime.findSession(key))) return;
        const thread = {
          teamId,
          enterpriseId: typeof enterprise === "string" ? enterprise : undefined,
          channel,
          threadTs,
        };
        await context.store.reviseThreadMessage(
          thread,
          message.ts,
          messageText(message, boltContext.botUserId),
        );
      })(),
    );
  });
}
