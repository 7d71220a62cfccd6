import type { App } from "@slack/bolt";
import { z } from "zod";
import { admit } from "../admit.ts";
import { actionIds, answerInput, viewIds } from "../blocks/action-ids.ts";
import { postEphemeral } from "../ephemeral.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { decide } from "./decisions.ts";
import { actionValue, clickActor, clickTarget } from "./interaction.ts";

const modalMetadataSchema = z.object({
  requestId: z.string(),
  channel: z.string().optional(),
  threadTs: z.string().optional(),
});

const stateSchema = z.object({
  values: z.record(
    z.string(),
    z.record(z.string(), z.looseObject({ value: z.string().nullable().optional() })),
  ),
});

function parseMetadata(text: string | undefined): z.infer<typeof modalMetadataSchema> | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = modalMetadataSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Start and Cancel decide at once; Change… opens a modal whose text goes back to the supervisor. */
export function register(app: App, context: SlackSurfaceContext): void {
  const direct = [
    [actionIds.planStart, "start"],
    [actionIds.planCancel, "cancel"],
  ] as const;
  for (const [actionId, decision] of direct) {
    app.action(actionId, async ({ ack, body, action }) => {
      await ack();
      const target = clickTarget(body);
      const requestId = actionValue(action);
      if (!target || !requestId) return;
      await context.track(
        decide(context, target, { type: "plan-decision", requestId, userId: target.user, decision }),
      );
    });
  }

  app.action(actionIds.planChange, async ({ ack, body, action }) => {
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
          view: {
            type: "modal",
            callback_id: viewIds.planChangeModal,
            private_metadata: JSON.stringify({
              requestId,
              channel: target.channel,
              threadTs: target.threadTs,
            }),
            title: { type: "plain_text", text: "Change the plan" },
            submit: { type: "plain_text", text: "Send" },
            close: { type: "plain_text", text: "Back" },
            blocks: [
              {
                type: "section",
                text: {
                  type: "mrkdwn",
                  text: "Nothing starts yet. Your words go back to the supervisor, which posts a new plan.",
                },
              },
              {
                type: "input",
                block_id: answerInput.blockId,
                label: { type: "plain_text", text: "What should change?" },
                element: { type: "plain_text_input", action_id: answerInput.actionId, multiline: true },
              },
            ],
          },
        });
      })(),
    );
  });

  app.view(viewIds.planChangeModal, async ({ ack, body, view }) => {
    await ack();
    const metadata = parseMetadata(view.private_metadata);
    const state = stateSchema.safeParse(view.state);
    const text = state.success
      ? state.data.values[answerInput.blockId]?.[answerInput.actionId]?.value
      : undefined;
    if (!metadata || !text?.trim()) return;
    const target = {
      user: body.user.id,
      userTeam: body.user.team_id,
      teamId: body.team?.id,
      channel: metadata.channel,
      threadTs: metadata.threadTs,
      messageTs: undefined,
      triggerId: undefined,
    };
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
