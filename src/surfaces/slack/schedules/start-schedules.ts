import type { App } from "@slack/bolt";
import type { FileScheduleConfig } from "../../../config/config.ts";
import { register as registerScheduleButtons } from "../listeners/schedules.ts";
import type { SlackSurfaceContext } from "../surface-context.ts";
import { ScheduleBook } from "./schedule-book.ts";
import { ScheduleRunner } from "./schedule-runner.ts";
import type { ScheduleStore } from "./schedule-store.ts";

/** A schedule from the configuration file; `timeZone` absent means the owner's Slack time zone, else UTC. */
type FileSchedule = FileScheduleConfig;

export interface ScheduleOptions {
  store: ScheduleStore;
  /** Who besides a schedule's owner may pause, resume or delete it (THREADWORK_APPROVERS). */
  approverIds: readonly string[];
  /** How often this instance looks for due runs; 30 s when absent. */
  pollIntervalMs?: number;
  /** Upserted by id at start; they cannot be deleted from Slack. */
  fromFile?: readonly FileSchedule[];
}

/**
 * Wires schedules into the surface: `context.schedules`, the App Home buttons, and a runner that
 * starts after the file's schedules are upserted and stops with the surface.
 */
export function startSchedules(app: App, context: SlackSurfaceContext, options: ScheduleOptions) {
  const book = new ScheduleBook({ store: options.store, approverIds: options.approverIds, now: context.now });
  context.schedules = book;
  registerScheduleButtons(app, context);
  const runner = new ScheduleRunner({ context, store: options.store, intervalMs: options.pollIntervalMs });
  return {
    runner,
    async start() {
      for (const entry of options.fromFile ?? []) {
        const timeZone = entry.timeZone ?? (await context.users.profileOf(entry.owner)).timeZone ?? "UTC";
        // A bad file entry was refused when the file was read; one that cannot run now is logged, not fatal.
        await book
          .upsertFromFile({
            id: entry.id,
            phrase: entry.phrase,
            timeZone,
            channel: entry.channel,
            ownerId: entry.owner,
            text: entry.text,
          })
          .catch((error: unknown) =>
            context.logger.warn({ err: error, schedule: entry.id }, "a file schedule was not set"),
          );
      }
      runner.start();
    },
    stop: () => runner.stop(),
  };
}
