import type { App } from "@slack/bolt";
import { z } from "zod";
import { admit } from "../admit.ts";
import { actionIds, answerInput, viewIds } from "../blocks/action-ids.ts";
import { mrkdwnText } from "../blocks/format.ts";
import { textModal } from "../blocks/text-modal.ts";
import { postEphemeral } from "../ephemeral.ts";
import { eventScope } from "../event-scope.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { decide } from "./decisions.ts";
import { actionValue, clickActor, clickTarget } from "./interaction.ts";
import { modalMetadata, submittedText, submitterTarget } from "./modal-submission.ts";

const choiceSchema = z.object({ request: z.string(), choice: z.number().int().nonnegative() });
const modalMetadataSchema = z.object({
  requestId: z.string(),
  channel: z.string().optional(),
  threadTs: z.string().optional(),
});

/** A choice button answers at once; "Answer…" opens a modal with a text input. */
export function register(app: App, shared: SlackSurfaceContext): void {
  app.action(
    new RegExp(`^${actionIds.answerChoice}_\\d+$`),
    async ({ ack, body, action, context: boltContext }) => {
      const context = shared.forInstallation(eventScope(boltContext));
      await ack();
      const target = clickTarget(body);
      const value = modalMetadata(actionValue(action), choiceSchema);
      if (!target || !value) return;
      await context.track(
        (async () => {
          const request = await context.runtime.getRequest(value.request);
          const answer = request?.choices?.[value.choice];
          if (!request || answer === undefined) {
            await postEphemeral(context, { ...target }, "This question no longer exists.");
            return;
          }
          await decide(context, target, {
            type: "answer",
            requestId: request.id,
            userId: target.user,
            answer,
          });
        })(),
      );
    },
  );

  // The browser opens the link; the click only needs its ack.
  app.action(actionIds.openLink, async ({ ack }) => {
    await ack();
  });

  app.action(actionIds.answerOpen, async ({ ack, body, action, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    await ack();
    const target = clickTarget(body);
    const requestId = actionValue(action);
    if (!target || !requestId) return;
    await context.track(
      (async () => {
        if (!(await admit(context, clickActor(target), "answer", { threadTs: target.threadTs }))) return;
        const request = await context.runtime.getRequest(requestId);
        if (request?.status !== "pending") {
          const who = request?.decidedBy ? ` by <@${request.decidedBy}>` : "";
          await postEphemeral(context, target, `This question was already answered${who}.`);
          return;
        }
        if (!target.triggerId) return;
        await context.api.call("views.open", {
          trigger_id: target.triggerId,
          view: textModal({
            callbackId: viewIds.answerModal,
            metadata: { requestId, channel: target.channel, threadTs: target.threadTs },
            title: "Answer",
            close: "Cancel",
            intro: `*${mrkdwnText(request.agentTitle, 300)}* asks: ${mrkdwnText(request.prompt, 2500)}`,
            label: "Your answer",
            input: answerInput,
          }),
        });
      })(),
    );
  });

  app.view(viewIds.answerModal, async ({ ack, body, view, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    await ack();
    const metadata = modalMetadata(view.private_metadata, modalMetadataSchema);
    const answer = submittedText(view.state, answerInput);
    if (!metadata || !answer) return;
    const target = submitterTarget(body, metadata);
    await context.track(
      decide(context, target, {
        type: "answer",
        requestId: metadata.requestId,
        userId: body.user.id,
        answer: answer.trim(),
      }),
    );
  });
}
