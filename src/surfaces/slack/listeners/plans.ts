import type { App } from "@slack/bolt";
import { z } from "zod";
import { admit } from "../admit.ts";
import { actionIds, answerInput, viewIds } from "../blocks/action-ids.ts";
import { textModal } from "../blocks/text-modal.ts";
import { postEphemeral } from "../ephemeral.ts";
import { eventScope } from "../event-scope.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { decide } from "./decisions.ts";
import { actionValue, clickActor, clickTarget } from "./interaction.ts";
import { modalMetadata, submittedText, submitterTarget } from "./modal-submission.ts";

const modalMetadataSchema = z.object({
  requestId: z.string(),
  channel: z.string().optional(),
  threadTs: z.string().optional(),
});

/** Start and Cancel decide at once; Change… opens a modal whose text goes back to the supervisor. */
export function register(app: App, shared: SlackSurfaceContext): void {
  const direct = [
    [actionIds.planStart, "start"],
    [actionIds.planCancel, "cancel"],
  ] as const;
  for (const [actionId, decision] of direct) {
    app.action(actionId, async ({ ack, body, action, context: boltContext }) => {
      const context = shared.forInstallation(eventScope(boltContext));
      await ack();
      const target = clickTarget(body);
      const requestId = actionValue(action);
      if (!target || !requestId) return;
      await context.track(
        decide(context, target, { type: "plan-decision", requestId, userId: target.user, decision }),
      );
    });
  }

  app.action(actionIds.planChange, async ({ ack, body, action, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    await ack();
    const target = clickTarget(body);
    const requestId = actionValue(action);
    if (!target || !requestId) return;
    await context.track(
      (async () => {
        if (!(await admit(context, clickActor(target), "decide", { threadTs: target.threadTs }))) return;
        const request = await context.runtime.getRequest(requestId);
        if (request?.status !== "pending") {
          const who = request?.decidedBy ? ` by <@${request.decidedBy}>` : "";
          await postEphemeral(context, target, `This plan was already decided${who}. Nothing was changed.`);
          return;
        }
        // Who may change it is checked before the modal opens, and again when it is sent.
        if (!(await context.runtime.canDecide(request.sessionId, target.user, "answer"))) {
          await postEphemeral(
            context,
            target,
            "Only the person who started this session or a configured approver can change this plan. Nothing was changed.",
          );
          return;
        }
        if (!target.triggerId) return;
        await context.api.call("views.open", {
          trigger_id: target.triggerId,
          view: textModal({
            callbackId: viewIds.planChangeModal,
            metadata: { requestId, channel: target.channel, threadTs: target.threadTs },
            title: "Change the plan",
            close: "Back",
            intro: "Nothing starts yet. Your words go back to the supervisor, which posts a new plan.",
            label: "What should change?",
            input: answerInput,
          }),
        });
      })(),
    );
  });

  app.view(viewIds.planChangeModal, async ({ ack, body, view, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    await ack();
    const metadata = modalMetadata(view.private_metadata, modalMetadataSchema);
    const text = submittedText(view.state, answerInput);
    if (!metadata || !text) return;
    const target = submitterTarget(body, metadata);
    await context.track(
      decide(context, target, {
        type: "plan-decision",
        requestId: metadata.requestId,
        userId: body.user.id,
        decision: "change",
        text: text.trim(),
      }),
    );
  });
}
