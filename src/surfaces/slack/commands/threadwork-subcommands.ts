import { auditSubcommand } from "./audit-subcommand.ts";
import { limitsSubcommand } from "./limits-subcommand.ts";
import { scheduleSubcommand } from "./schedule-subcommand.ts";
import { settingsSubcommand } from "./settings-subcommand.ts";
import type { Subcommand } from "./threadwork-subcommand.ts";
import { watchSubcommand } from "./watch-subcommand.ts";

/** Every `/threadwork` subcommand, in the order `/threadwork help` lists them. */
export const threadworkSubcommands: Subcommand[] = [
  scheduleSubcommand,
  watchSubcommand,
  settingsSubcommand,
  limitsSubcommand,
  auditSubcommand,
];
