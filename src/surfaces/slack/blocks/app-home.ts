import type { FeedbackCounts } from "../../../domain/feedback.ts";
import type { SessionSnapshot } from "../../../domain/sessions.ts";
import { oneLine, truncate } from "../../../domain/text.ts";
import { contextLine, markdownSection, type SlackBlock } from "./block.ts";
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

/** The App Home tab: the user's recent sessions with status, cost and a link to each thread. */
export function renderAppHome(
  sessions: HomeSession[],
  schedules: SlackBlock[] = [],
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
  // Schedules first: they stay within Slack's 100 blocks however many sessions there are.
  return { type: "home", blocks: [...schedules, ...blocks].slice(0, 100) };
}
