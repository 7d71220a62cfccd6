import { steerInput } from "../../src/surfaces/slack/blocks/action-ids.ts";
import type { Harness } from "../slack/support/harness.ts";

/** Submits `value` in the steer modal Slack opened (its `views.open` view) as `user`. */
export function submitSteerModal(
  harness: Harness,
  options: { user: string; view: { callback_id: string; private_metadata: string }; value: string },
): Promise<number> {
  const teamId = harness.fake.teamId;
  return harness.interaction({
    type: "view_submission",
    user: { id: options.user, team_id: teamId },
    team: { id: teamId },
    api_app_id: "A0APP",
    token: "verification-token",
    trigger_id: "trigger.steer",
    view: {
      id: "V2",
      type: "modal",
      callback_id: options.view.callback_id,
      private_metadata: options.view.private_metadata,
      state: {
        values: {
          [steerInput.blockId]: { [steerInput.actionId]: { type: "plain_text_input", value: options.value } },
        },
      },
    },
  });
}

/** The button in `blocks` with this action id prefix and value, e.g. one agent's Steer. */
export function findButtonFor(
  blocks: unknown[],
  prefix: string,
  value: string,
): { action_id: string; value: string } | undefined {
  const found: { action_id: string; value: string }[] = [];
  JSON.stringify(blocks, (_key, item: unknown) => {
    const record = item as { type?: unknown; action_id?: unknown; value?: unknown } | null;
    if (
      record?.type === "button" &&
      typeof record.action_id === "string" &&
      record.action_id.startsWith(prefix) &&
      record.value === value
    )
      found.push({ action_id: record.action_id, value });
    return item;
  });
  return found[0];
}
