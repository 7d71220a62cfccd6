import { ThreadworkError } from "../../../domain/errors.ts";
import { schedulePhraseExamples } from "../../../domain/schedule-phrase.ts";
import { admit } from "../admit.ts";
import { AnnouncementError, announceSchedule } from "../schedules/schedule-announcement.ts";
import type { ScheduleChange } from "../schedules/schedule-book.ts";
import { changeOutcomeNotes, scheduleLine } from "../schedules/schedule-text.ts";
import type { Subcommand, SubcommandCall } from "./threadwork-subcommand.ts";

const usage = "/threadwork schedule <when> [time zone] [#channel]: <request>";

const help = [
  `*Schedules*: \`${usage}\``,
  `<when> is a phrase (${schedulePhraseExamples.map((example) => `\`${example}\``).join(", ")}).`,
  "The time zone is an IANA name (Europe/Paris); without one, your Slack time zone. The channel is this one unless you name another.",
  "Each run starts a new thread there, owned by you: you approve its actions as usual.",
  "`/threadwork schedule list` shows yours; `/threadwork schedule pause|resume|delete <id>` changes one (also in the App Home tab).",
].join("\n");

const channelToken = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/;
const timeZoneToken = /^(?:[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)+|UTC|GMT)$/;

/** `<when> [zone] [#channel]: <request>` split into its parts; undefined without a request. */
export function parseScheduleRequest(
  text: string,
):
  | { phrase: string; timeZone: string | undefined; channel: string | undefined; request: string }
  | undefined {
  const separator = /:(?:\s|$)/.exec(text);
  if (!separator) return undefined;
  const request = text.slice(separator.index + 1).trim();
  if (request.length === 0) return undefined;
  let timeZone: string | undefined;
  let channel: string | undefined;
  const words: string[] = [];
  for (const word of text.slice(0, separator.index).trim().split(/\s+/)) {
    const channelMatch = channelToken.exec(word);
    if (channelMatch) channel = channelMatch[1];
    else if (timeZoneToken.test(word)) timeZone = word;
    else words.push(word);
  }
  // "… at 9:00 in Europe/Paris in #ops": the "in"s that introduced a zone or channel go too.
  while (words.length > 0 && words.at(-1)?.toLowerCase() === "in") words.pop();
  return { phrase: words.join(" "), timeZone, channel, request };
}

async function list(call: SubcommandCall): Promise<void> {
  const book = call.context.schedules;
  if (!book) return;
  const schedules = await book.listOf(call.userId, call.context.scope);
  if (schedules.length === 0) {
    await call.reply(`You have no schedules. ${help}`);
    return;
  }
  await call.reply(
    ["*Your schedules*", ...schedules.map((schedule) => `• ${scheduleLine(schedule)}`)].join("\n"),
  );
}

async function change(call: SubcommandCall, action: ScheduleChange, id: string | undefined): Promise<void> {
  const book = call.context.schedules;
  if (!book) return;
  if (!id) {
    await call.reply(
      `Say which schedule: \`/threadwork schedule ${action} <id>\` (see \`/threadwork schedule list\`).`,
    );
    return;
  }
  const outcome = await book.change(id, call.userId, action);
  if (outcome.kind !== "done") {
    await call.reply(changeOutcomeNotes[outcome.kind]);
    return;
  }
  const done = { pause: "Paused", resume: "Resumed", delete: "Deleted" }[action];
  await call.reply(`${done}: ${scheduleLine(outcome.schedule)}`);
}

async function create(call: SubcommandCall): Promise<void> {
  const book = call.context.schedules;
  if (!book) return;
  const parsed = parseScheduleRequest(call.text);
  if (!parsed) {
    await call.reply(`Say when, then a colon and the request. ${help}`);
    return;
  }
  const channel = parsed.channel ?? call.channelId;
  // A command's team_id is the workspace it was typed in, not the person's: users.info decides.
  const actor = { userId: call.userId, userTeam: undefined, channel, mayBeShared: true };
  if (!(await admit(call.context, actor, "start", { threadTs: undefined }))) return;
  const profile = await call.context.users.profileOf(call.userId);
  const timeZone = parsed.timeZone ?? profile.timeZone ?? "UTC";
  try {
    const schedule = await book.create(
      {
        phrase: parsed.phrase,
        timeZone,
        channel,
        ownerId: call.userId,
        text: parsed.request,
        scope: call.context.scope,
      },
      (prepared) => announceSchedule(call.context, prepared),
    );
    await call.reply(`Scheduled: ${scheduleLine(schedule)}`);
  } catch (error) {
    if (
      (error instanceof ThreadworkError && error.category === "user") ||
      error instanceof AnnouncementError
    ) {
      await call.reply(`Nothing was scheduled: ${error.message}`);
      return;
    }
    throw error;
  }
}

/** `/threadwork schedule …`: create, list, pause, resume or delete a schedule. */
export const scheduleSubcommand: Subcommand = {
  name: "schedule",
  summary: "run a request on a schedule (every weekday at 9:00, once on 2026-12-24 at 10:00, or cron)",
  usage,
  async run(call) {
    if (!call.context.schedules) {
      await call.reply("Schedules are not available on this instance.");
      return;
    }
    const [first = "", second] = call.text.split(/\s+/);
    const verb = first.toLowerCase();
    if (verb === "" || verb === "help") await call.reply(help);
    else if (verb === "list") await list(call);
    else if (verb === "pause" || verb === "resume" || verb === "delete") await change(call, verb, second);
    else await create(call);
  },
};
