import type { Schedule } from "../../../domain/schedules.ts";
import { scheduleLine } from "../schedules/schedule-text.ts";
import { actionIds } from "./action-ids.ts";
import { actionsBlock, button, contextLine, markdownSection, type SlackBlock } from "./block.ts";

const deleteConfirm = {
  title: { type: "plain_text", text: "Delete this schedule?" },
  text: { type: "plain_text", text: "It will not run again. Sessions it already started stay." },
  confirm: { type: "plain_text", text: "Delete" },
  deny: { type: "plain_text", text: "Keep" },
  style: "danger",
};

/** The App Home's schedules: each with Pause or Resume, and Delete unless it comes from the file. */
export function scheduleBlocks(schedules: readonly Schedule[]): SlackBlock[] {
  const blocks: SlackBlock[] = [{ type: "header", text: { type: "plain_text", text: "Your schedules" } }];
  if (schedules.length === 0) {
    blocks.push(contextLine("None. `/threadwork schedule every weekday at 9:00: <request>` makes one."));
    return blocks;
  }
  for (const schedule of schedules.slice(0, 15)) {
    blocks.push(markdownSection(scheduleLine(schedule)));
    const toggle = schedule.paused ? "resume" : "pause";
    const buttons = [
      button({
        text: schedule.paused ? "Resume" : "Pause",
        actionId: actionIds.scheduleToggle,
        value: `${toggle}:${schedule.id}`,
      }),
    ];
    if (schedule.source === "slack") {
      buttons.push({
        ...button({
          text: "Delete",
          actionId: actionIds.scheduleDelete,
          value: schedule.id,
          style: "danger",
        }),
        confirm: deleteConfirm,
      });
    }
    blocks.push(actionsBlock(buttons, `schedule:${schedule.id}`));
  }
  return blocks;
}
