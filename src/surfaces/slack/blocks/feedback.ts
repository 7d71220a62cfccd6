import { actionIds } from "./action-ids.ts";
import type { SlackBlock } from "./block.ts";

/** Thumbs up and down under a final answer: a `context_actions` block holding `feedback_buttons`. */
export function feedbackBlock(): SlackBlock {
  return {
    type: "context_actions",
    elements: [
      {
        type: "feedback_buttons",
        action_id: actionIds.feedback,
        positive_button: {
          text: { type: "plain_text", text: "👍" },
          value: "positive",
          accessibility_label: "This answer helped",
        },
        negative_button: {
          text: { type: "plain_text", text: "👎" },
          value: "negative",
          accessibility_label: "This answer did not help",
        },
      },
    ],
  };
}
