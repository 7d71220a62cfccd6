import type { App } from "@slack/bolt";
import { z } from "zod";
import { postEphemeral } from "../ephemeral.ts";
import { eventScope } from "../event-scope.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import type { Subcommand } from "./threadwork-subcommand.ts";
import { threadworkSubcommands } from "./threadwork-subcommands.ts";

export const threadworkCommand = "/threadwork";

const invocationSchema = z.looseObject({
  command: z.string(),
  text: z.string().optional(),
  user_id: z.string(),
  channel_id: z.string(),
  team_id: z.string().optional(),
  trigger_id: z.string().optional(),
});

/** `/threadwork help`: every subcommand with its usage. */
export function subcommandHelp(subcommands: readonly Subcommand[]): string {
  if (subcommands.length === 0) return "`/threadwork` has no subcommands yet.";
  const lines = subcommands.map((subcommand) => `• \`${subcommand.usage}\`: ${subcommand.summary}`);
  return ["*`/threadwork` subcommands*", ...lines].join("\n");
}

/** The subcommand named by the first word of `text`, and the rest of the text. */
export function parseSubcommand(
  text: string,
  subcommands: readonly Subcommand[],
): { subcommand: Subcommand; rest: string } | undefined {
  const trimmed = text.trim();
  const name = trimmed.split(/\s+/, 1)[0]?.toLowerCase() ?? "";
  const subcommand = subcommands.find((candidate) => candidate.name === name);
  return subcommand ? { subcommand, rest: trimmed.slice(name.length).trim() } : undefined;
}

/** `/threadwork <subcommand> …`, acknowledged at once; the subcommand answers ephemerally. */
export function register(
  app: App,
  shared: SlackSurfaceContext,
  subcommands: readonly Subcommand[] = threadworkSubcommands,
): void {
  app.command(threadworkCommand, async ({ ack, command, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    await ack();
    const invocation = invocationSchema.safeParse(command);
    if (!invocation.success) return;
    const { text = "", user_id: userId, channel_id: channelId } = invocation.data;
    const reply = (message: string) =>
      postEphemeral(context, { channel: channelId, user: userId, threadTs: undefined }, message);
    const parsed = parseSubcommand(text, subcommands);
    if (!parsed) {
      await context.track(reply(subcommandHelp(subcommands)));
      return;
    }
    await context.track(
      parsed.subcommand.run({
        context,
        text: parsed.rest,
        userId,
        channelId,
        teamId: invocation.data.team_id,
        triggerId: invocation.data.trigger_id,
        reply,
      }),
    );
  });
}
