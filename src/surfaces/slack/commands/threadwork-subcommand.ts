import type { SlackSurfaceContext } from "../surface-context.ts";

/** One `/threadwork <name> …` invocation, as the subcommand receives it. */
export interface SubcommandCall {
  context: SlackSurfaceContext;
  /** What follows the subcommand's name, trimmed. */
  text: string;
  userId: string;
  channelId: string;
  teamId: string | undefined;
  /** For opening a modal (`views.open`) within Slack's three seconds. */
  triggerId: string | undefined;
  /** Answers only the person who typed the command (an ephemeral message). */
  reply(text: string): Promise<void>;
}

/** A `/threadwork` subcommand: `schedule`, `watch`, … Each lives in its own file beside this one. */
export interface Subcommand {
  name: string;
  /** One line for `/threadwork help`, e.g. "schedule a recurring task". */
  summary: string;
  /** e.g. `/threadwork schedule every weekday at 9:00 Europe/Paris: check the deploys`. */
  usage: string;
  run(call: SubcommandCall): Promise<void>;
}
