import type { App } from "@slack/bolt";
import { z } from "zod";
import { numberedWorkers } from "../../../domain/steer-address.ts";
import { admit } from "../admit.ts";
import { actionIds, steerInput, viewIds } from "../blocks/action-ids.ts";
import { mrkdwnText } from "../blocks/format.ts";
import { textModal } from "../blocks/text-modal.ts";
import { postEphemeral } from "../ephemeral.ts";
import { eventScope } from "../event-scope.ts";
import { deliverSteer, steerRefusal } from "../steer-delivery.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { findThreadSession } from "../thread-session.ts";
import { actionValue, type ClickTarget, clickActor, clickTarget } from "./interaction.ts";
import { modalMetadata, submittedText } from "./modal-submission.ts";

const modalMetadataSchema = z.object({
  sessionId: z.string(),
  agentId: z.string(),
  number: z.number().int().positive().optional(),
  channel: z.string().optional(),
  threadTs: z.string().optional(),
});

/** "Steer" on the crew board: checks who clicked, then opens a modal with a text field. */
async function openSteerModal(context: SlackSurfaceContext, target: ClickTarget, agentId: string) {
  if (!(await admit(context, clickActor(target), "steer", { threadTs: target.threadTs }))) return;
  const session = await findThreadSession(context, target);
  if (!session) return;
  // The runtime decides again when the text arrives; this only spares a stranger the typing.
  if (!(await context.runtime.canDecide(session.id, target.user, "answer"))) {
    await postEphemeral(context, target, steerRefusal);
    return;
  }
  const worker = numberedWorkers(await context.runtime.listAgents(session.id)).find(
    (item) => item.agent.id === agentId,
  );
  if (!worker || !target.triggerId) return;
  await context.api.call("views.open", {
    trigger_id: target.triggerId,
    view: textModal({
      callbackId: viewIds.steerModal,
      metadata: {
        sessionId: session.id,
        agentId,
        number: worker.number,
        channel: target.channel,
        threadTs: target.threadTs,
      },
      title: `Steer agent #${worker.number}`,
      close: "Cancel",
      intro: `Tell *${mrkdwnText(worker.agent.title, 300)}* something. It reads it after the step it is on, and the supervisor is told.`,
      label: "Your message",
      input: steerInput,
    }),
  });
}

/** The crew board's Steer buttons and the modal they open. */
export function register(app: App, shared: SlackSurfaceContext): void {
  app.action(
    new RegExp(`^${actionIds.steerAgent}_\\d+$`),
    async ({ ack, body, action, context: boltContext }) => {
      const context = shared.forInstallation(eventScope(boltContext));
      await ack();
      const target = clickTarget(body);
      const agentId = actionValue(action);
      if (!target || !agentId) return;
      await context.track(openSteerModal(context, target, agentId));
    },
  );

  app.view(viewIds.steerModal, async ({ ack, body, view, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    await ack();
    const metadata = modalMetadata(view.private_metadata, modalMetadataSchema);
    const text = submittedText(view.state, steerInput);
    if (!metadata || !text) return;
    const actor = {
      userId: body.user.id,
      userTeam: body.user.team_id,
      channel: metadata.channel,
      mayBeShared: true,
    };
    await context.track(
      (async () => {
        if (!(await admit(context, actor, "steer", { threadTs: metadata.threadTs }))) return;
        await deliverSteer(
          context,
          {
            sessionId: metadata.sessionId,
            agentId: metadata.agentId,
            userId: body.user.id,
            text: text.trim(),
            number: metadata.number,
          },
          { channel: metadata.channel, threadTs: metadata.threadTs },
        );
      })(),
    );
  });
}
