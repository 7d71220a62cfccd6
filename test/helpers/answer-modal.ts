import { answerInput } from "../../src/surfaces/slack/blocks/action-ids.ts";
import type { Harness } from "../slack/support/harness.ts";

/** The answer modal Slack opened, as its `views.open` call carried it. */
export interface OpenedAnswerModal {
  callback_id: string;
  private_metadata: string;
}

/** Submits `value` in the answer modal as `user`; returns the HTTP status Bolt answered. */
export function submitAnswerModal(
  harness: Harness,
  options: { user: string; view: OpenedAnswerModal; value: string },
): Promise<number> {
  const teamId = harness.fake.teamId;
  return harness.interaction({
    type: "view_submission",
    user: { id: options.user, team_id: teamId },
    team: { id: teamId },
    api_app_id: "A0APP",
    token: "verification-token",
    trigger_id: "trigger.submit",
    view: {
      id: "V1",
      type: "modal",
      callback_id: options.view.callback_id,
      private_metadata: options.view.private_metadata,
      state: {
        values: {
          [answerInput.blockId]: {
            [answerInput.actionId]: { type: "plain_text_input", value: options.value },
          },
        },
      },
    },
  });
}
