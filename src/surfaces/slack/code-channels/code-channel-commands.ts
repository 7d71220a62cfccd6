import type { App } from "@slack/bolt";
import { z } from "zod";
import { oneLine, truncate } from "../../../domain/text.ts";
import { admit } from "../admit.ts";
import {
  type CodeChannelCommand,
  codeChannelCommands,
  findAgentToStop,
  parseCommandName,
  renderBudgetReply,
  renderStatusReply,
} from "../blocks/code-channel-commands.ts";
import { escapeText } from "../blocks/format.ts";
import { postEphemeral } from "../ephemeral.ts";
import { eventScope } from "../event-scope.ts";
import { decide } from "../listeners/decisions.ts";
import type { ClickTarget } from "../listeners/interaction.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import type { CodeChannels } from "./code-channels.ts";

/** The fields of a slash command invocation the handlers read (Slack sends more). */
const invocationSchema = z.looseObject({
  command: z.string(),
  text: z.string().optional(),
  user_id: z.string(),
  channel_id: z.string(),
  team_id: z.string().optional(),
  trigger_id: z.string().optional(),
});

type Invocation = z.infer<typeof invocationSchema>;

interface Call {
  name: CodeChannelCommand;
  text: string;
  sessionId: string;
  /** Where the command came from, as the click handlers take it; no thread in a code channel. */
  target: ClickTarget;
}

const stopRefusal = "Only the person who started this session or a configured approver can stop its agents.";

function actorOf(target: ClickTarget) {
  // A command says nothing of the user's own team: the directory tells, as for clicks.
  return { userId: target.user, userTeam: undefined, channel: target.channel, mayBeShared: true };
}

async function reply(context: SlackSurfaceContext, call: Call, text: string): Promise<void> {
  await postEphemeral(
    context,
    { channel: call.target.channel, user: call.target.user, threadTs: undefined },
    text,
  );
}

/** `/stop [agent]`: the crew board's Stop, with the same rule (owner or approvers). */
async function stop(context: SlackSurfaceContext, channels: CodeChannels, call: Call): Promise<void> {
  if (!(await admit(context, actorOf(call.target), "decide", { threadTs: undefined }))) return;
  if (!(await context.runtime.canDecide(call.sessionId, call.target.user, "stop"))) {
    await reply(context, call, stopRefusal);
    return;
  }
  let agentId: string | undefined;
  if (call.text !== "" && call.text.toLowerCase() !== "all") {
    const agent = findAgentToStop(await context.runtime.listAgents(call.sessionId), call.text);
    if (!agent) {
      await reply(
        context,
        call,
        `No sub-agent called “${escapeText(truncate(oneLine(call.text), 100))}” is working.`,
      );
      return;
    }
    agentId = agent.id;
  }
  const outcome = await context.runtime.handle({
    type: "cancel",
    sessionId: call.sessionId,
    userId: call.target.user,
    ...(agentId ? { agentId } : {}),
  });
  const stopped = outcome.type === "cancelled" ? outcome.agentIds.length : 0;
  await context.api
    .call("chat.postMessage", {
      channel: call.target.channel,
      text: `<@${call.target.user}> stopped ${stopped} sub-agent${stopped === 1 ? "" : "s"}.`,
    })
    .catch((error: unknown) => context.logger.warn({ err: error }, "could not confirm a stop"));
  context.board.schedule(call.sessionId);
  channels.schedule(call.sessionId);
}

async function status(context: SlackSurfaceContext, call: Call): Promise<void> {
  if (!(await admit(context, actorOf(call.target), "view", { threadTs: undefined }))) return;
  const [agents, session] = await Promise.all([
    context.runtime.listAgents(call.sessionId),
    context.runtime.getSession(call.sessionId),
  ]);
  await reply(context, call, renderStatusReply(agents, session?.costMicros ?? 0));
}

/** `/budget` shows the spend; `/budget extend|stop` decides a reached budget, as its buttons do. */
async function budget(context: SlackSurfaceContext, call: Call): Promise<void> {
  const decision = call.text.toLowerCase();
  if (decision !== "" && decision !== "extend" && decision !== "stop") {
    await reply(context, call, "Use `/budget`, `/budget extend` or `/budget stop`.");
    return;
  }
  const pending = (await context.runtime.listPendingRequests(call.sessionId)).find(
    (request) => request.kind === "budget",
  );
  if (decision === "") {
    if (!(await admit(context, actorOf(call.target), "view", { threadTs: undefined }))) return;
    const [agents, session] = await Promise.all([
      context.runtime.listAgents(call.sessionId),
      context.runtime.getSession(call.sessionId),
    ]);
    await reply(context, call, renderBudgetReply({ agents, costMicros: session?.costMicros ?? 0, pending }));
    return;
  }
  if (!pending) {
    await reply(context, call, "The budget is not reached: there is nothing to decide.");
    return;
  }
  await decide(context, call.target, {
    type: "budget-decision",
    requestId: pending.id,
    userId: call.target.user,
    decision,
  });
  const decided = await context.runtime.getRequest(pending.id);
  if (decided?.status !== "pending" && decided?.decidedBy === call.target.user) {
    await reply(context, call, decision === "extend" ? "Budget extended." : "The session stops here.");
  }
}

async function run(context: SlackSurfaceContext, channels: CodeChannels, invocation: Invocation) {
  const name = parseCommandName(invocation.command);
  if (!name) return;
  const target: ClickTarget = {
    user: invocation.user_id,
    userTeam: undefined,
    teamId: invocation.team_id,
    channel: invocation.channel_id,
    threadTs: undefined,
    messageTs: undefined,
    triggerId: invocation.trigger_id,
  };
  const sessionId = await channels.sessionOf(invocation.channel_id);
  if (!sessionId) {
    await postEphemeral(
      context,
      { channel: invocation.channel_id, user: invocation.user_id, threadTs: undefined },
      "This is not the code channel of a Threadwork session.",
    );
    return;
  }
  const call: Call = { name, text: (invocation.text ?? "").trim(), sessionId, target };
  if (name === codeChannelCommands.stop) await stop(context, channels, call);
  else if (name === codeChannelCommands.status) await status(context, call);
  else await budget(context, call);
}

const commandPattern = new RegExp(`^/?(${Object.values(codeChannelCommands).join("|")})$`);

/** The code channels' runtime commands (`agents.conversations.setCommands`), acknowledged at once. */
export function register(app: App, shared: SlackSurfaceContext, channels: CodeChannels): void {
  app.command(commandPattern, async ({ ack, command, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    await ack();
    const invocation = invocationSchema.safeParse(command);
    if (!invocation.success) return;
    await context.track(run(context, channels, invocation.data));
  });
}
