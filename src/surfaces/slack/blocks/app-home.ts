import type { FeedbackCounts } from "../../../domain/feedback.ts";
import type { SessionSnapshot } from "../../../domain/sessions.ts";
import { oneLine, truncate } from "../../../domain/text.ts";
import { auditIds, settingsIds } from "./action-ids.ts";
import { actionsBlock, button, contextLine, markdownSection, type SlackBlock } from "./block.ts";
import { escapeText, formatCost, slackDate } from "./format.ts";

interface HomeSession {
  session: SessionSnapshot;
  permalink: string | undefined;
  /** Ratings of the session's answers (feedback buttons); absent when none. */
  feedback?: FeedbackCounts;
}

function feedbackText(feedback: FeedbackCounts | undefined): string {
  if (!feedback || feedback.positive + feedback.negative === 0) return "";
  return ` · :+1: ${feedback.positive} :-1: ${feedback.negative}`;
}

/** For admins: the button that opens a channel's settings (repository, models, budget, approvers, …). */
function channelSettingsBlocks(): SlackBlock[] {
  return [
    markdownSection(
      "*Channel settings*: the repository, models, budget, approvers and tools of a channel's new sessions.",
    ),
    actionsBlock([button({ text: "Channel settings", actionId: settingsIds.openFromHome, value: "open" })]),
  ];
}

/** For admins: this workspace's audit trail sent to their DM, as CSV or JSON (as `/threadwork audit`). */
function auditExportBlocks(): SlackBlock[] {
  return [
    markdownSection(
      "*Audit trail*: every approval, denial, stop, budget and settings change in this workspace.",
    ),
    actionsBlock([
      button({ text: "Export CSV", actionId: `${auditIds.exportFromHome}_csv`, value: "csv" }),
      button({ text: "Export JSON", actionId: `${auditIds.exportFromHome}_json`, value: "json" }),
    ]),
  ];
}

/** The App Home tab: the user's recent sessions with status, cost and a link to each thread. */
export function renderAppHome(
  sessions: HomeSession[],
  schedules: SlackBlock[] = [],
  options: { settingsButton?: boolean; auditButtons?: boolean } = {},
): { type: "home"; blocks: SlackBlock[] } {
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: "Your recent Threadwork sessions" } },
  ];
  if (sessions.length === 0) {
    blocks.push(markdownSection("No sessions yet. Mention me in a channel or send me a DM to start one."));
  }
  for (const { session, permalink, feedback } of sessions.slice(0, 20)) {
    const title = escapeText(truncate(oneLine(session.title || "Untitled session"), 150));
    const link = permalink && /^https?:\/\/\S+$/.test(permalink) ? `<${permalink}|${title}>` : title;
    blocks.push(
      markdownSection(
        `*${link}*
${escapeText(session.activity ?? session.status)} · ${formatCost(session.costMicros, session.priced !== false)}${feedbackText(feedback)}`,
      ),
    );
    blocks.push(contextLine(`Updated ${slackDate(session.updatedAt)}`));
  }
  // Admins' settings button and schedules first: they stay within Slack's 100 blocks however many sessions there are.
  const settings = options.settingsButton ? channelSettingsBlocks() : [];
  const audit = options.auditButtons ? auditExportBlocks() : [];
  return { type: "home", blocks: [...settings, ...audit, ...schedules, ...blocks].slice(0, 100) };
}
