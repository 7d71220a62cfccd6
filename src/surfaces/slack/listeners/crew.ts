import type { App } from "@slack/bolt";
import { admit } from "../admit.ts";
import { actionIds } from "../blocks/action-ids.ts";
import { postEphemeral } from "../ephemeral.ts";
import { eventScope } from "../event-scope.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { findThreadSession } from "../thread-session.ts";
import { actionValue, type ClickTarget, clickActor, clickTarget } from "./interaction.ts";

async function stop(context: SlackSurfaceContext, target: ClickTarget, agentId: string | undefined) {
  const session = await findThreadSession(context, target);
  if (!session) return;
  if (!(await admit(context, clickActor(target), "decide", { threadTs: target.threadTs }))) return;
  if (!(await context.runtime.canDecide(session.id, target.user, "stop"))) {
    await postEphemeral(
      context,
      target,
      "Only the person who started this session or a configured approver can stop its agents.",
    );
    return;
  }
  await context.runtime.handle({
    type: "cancel",
    sessionId: session.id,
    userId: target.user,
    ...(agentId ? { agentId } : {}),
  });
  context.board.schedule(session.id);
  // Stop all closes the session even when no agent was left to cancel.
  const thread = await context.threads.get(session.id);
  if (thread && !agentId) await context.sessions.refresh(session.id, thread);
}

/** Stop one agent, or all of them, from the crew board. */
export function register(app: App, shared: SlackSurfaceContext): void {
  app.action(
    new RegExp(`^${actionIds.stopAgent}(_\\d+)?$`),
    async ({ ack, body, action, context: boltContext }) => {
      const context = shared.forInstallation(eventScope(boltContext));
      await ack();
      const target = clickTarget(body);
      const agentId = actionValue(action);
      if (!target || !agentId) return;
      await context.track(stop(context, target, agentId));
    },
  );
  app.action(actionIds.stopAll, async ({ ack, body, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    await ack();
    const target = clickTarget(body);
    if (!target) return;
    await context.track(stop(context, target, undefined));
  });
}
