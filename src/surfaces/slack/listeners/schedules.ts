import type { App } from "@slack/bolt";
import { z } from "zod";
import { actionIds } from "../blocks/action-ids.ts";
import { eventScope } from "../event-scope.ts";
import type { ScheduleChange } from "../schedules/schedule-book.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { publishHome } from "./app-home.ts";
import { actionValue } from "./interaction.ts";

const clickerSchema = z.looseObject({ user: z.looseObject({ id: z.string() }) });

async function changeFromHome(
  context: SlackSurfaceContext,
  userId: string,
  id: string,
  change: ScheduleChange,
): Promise<void> {
  const book = context.schedules;
  if (!book) return;
  const outcome = await book.change(id, userId, change);
  if (outcome.kind !== "done") {
    context.logger.info(
      { user: userId, schedule: id, change, outcome: outcome.kind },
      "refused a schedule change",
    );
  }
  await publishHome(context, userId);
}

/** App Home's Pause/Resume and Delete buttons: only the schedule's owner or an approver changes it. */
export function register(app: App, shared: SlackSurfaceContext): void {
  app.action(actionIds.scheduleToggle, async ({ ack, body, action, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    await ack();
    const clicker = clickerSchema.safeParse(body);
    const match = /^(pause|resume):(.+)$/.exec(actionValue(action) ?? "");
    if (!clicker.success || !match) return;
    const change = match[1] === "pause" ? "pause" : "resume";
    await context.track(changeFromHome(context, clicker.data.user.id, match[2] ?? "", change));
  });
  app.action(actionIds.scheduleDelete, async ({ ack, body, action, context: boltContext }) => {
    const context = shared.forInstallation(eventScope(boltContext));
    await ack();
    const clicker = clickerSchema.safeParse(body);
    const id = actionValue(action);
    if (!clicker.success || !id) return;
    await context.track(changeFromHome(context, clicker.data.user.id, id, "delete"));
  });
}
