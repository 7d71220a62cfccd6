import type { SlackBlock } from "./block.ts";

/** The ids of a modal's one text input, as Slack returns them in `view.state.values`. */
export interface TextInputIds {
  blockId: string;
  actionId: string;
}

/**
 * A modal with a line of context and one multiline text input: answering a question, steering an
 * agent, changing a plan. `metadata` comes back as the view's `private_metadata`.
 */
export function textModal(options: {
  callbackId: string;
  metadata: Record<string, unknown>;
  title: string;
  close: string;
  /** mrkdwn, already escaped. */
  intro: string;
  label: string;
  input: TextInputIds;
}): SlackBlock {
  return {
    type: "modal",
    callback_id: options.callbackId,
    private_metadata: JSON.stringify(options.metadata),
    title: { type: "plain_text", text: options.title },
    submit: { type: "plain_text", text: "Send" },
    close: { type: "plain_text", text: options.close },
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: options.intro } },
      {
        type: "input",
        block_id: options.input.blockId,
        label: { type: "plain_text", text: options.label },
        element: { type: "plain_text_input", action_id: options.input.actionId, multiline: true },
      },
    ],
  };
}
