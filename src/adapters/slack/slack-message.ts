import { z } from "zod";

const slackFileSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  title: z.string().optional(),
  mimetype: z.string().optional(),
  size: z.number().optional(),
});

/** The parts of a Slack message event or history entry the surface reads. */
export const slackMessageSchema = z.looseObject({
  type: z.string().optional(),
  subtype: z.string().optional(),
  user: z.string().optional(),
  /** The author's own workspace: `user_team` in shared channels, `team` otherwise. */
  user_team: z.string().optional(),
  team: z.string().optional(),
  bot_id: z.string().optional(),
  app_id: z.string().optional(),
  bot_profile: z.unknown().optional(),
  username: z.string().optional(),
  text: z.string().optional().default(""),
  ts: z.string(),
  thread_ts: z.string().optional(),
  channel: z.string().optional(),
  channel_type: z.string().optional(),
  files: z.array(slackFileSchema).optional(),
});

export type SlackMessage = z.infer<typeof slackMessageSchema>;

/** Subtypes that are still a person writing: a file upload carries text and files. */
const humanSubtypes = new Set([undefined, "file_share", "thread_broadcast"]);

/**
 * Slackbot posts reminders and workspace-defined auto-responses under this user id, with no
 * bot markers, and `users.info` does not call it a bot: anyone can make it say anything.
 */
export const slackbotUserId = "USLACKBOT";

/** A person wrote it: not a bot, not an app, not Slackbot, not a system message, not Threadwork itself. */
export function isFromPerson(message: SlackMessage, botUserId: string | undefined): boolean {
  if (!humanSubtypes.has(message.subtype)) return false;
  if (message.bot_id !== undefined || message.app_id !== undefined || message.bot_profile !== undefined) {
    return false;
  }
  return message.user !== undefined && message.user !== botUserId && message.user !== slackbotUserId;
}
type SlackFile = z.infer<typeof slackFileSchema>;

function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return "unknown size";
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

/** One line per attached file, so agents know which file ids `read_slack_file` can open. */
function describeFiles(files: SlackFile[] | undefined): string {
  if (!files || files.length === 0) return "";
  return files
    .map(
      (file) =>
        `[attached file ${file.id}: ${file.name ?? file.title ?? "unnamed"}, ${file.mimetype ?? "unknown type"}, ${formatSize(file.size)}; read it with read_slack_file]`,
    )
    .join("\n");
}

/** Removes mentions of the bot itself; the rest of the text is what the user asked. */
function stripBotMention(text: string, botUserId: string | undefined): string {
  if (!botUserId) return text.trim();
  return text.replaceAll(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, "g"), "").trim();
}

export function mentions(text: string, botUserId: string | undefined): boolean {
  return botUserId !== undefined && text.includes(`<@${botUserId}`);
}

/** Someone or something other than the bot is @-mentioned: a person, a user group, @here, @channel, @everyone. */
export function mentionsOthers(text: string, botUserId: string | undefined): boolean {
  for (const match of text.matchAll(/<@([A-Z0-9]+)(?:\|[^>]*)?>/g)) if (match[1] !== botUserId) return true;
  return /<!(?:subteam\^|here\b|channel\b|everyone\b)/.test(text);
}

export function messageText(
  message: { text: string; files?: SlackFile[] | undefined },
  botUserId?: string,
): string {
  const files = describeFiles(message.files);
  const text = stripBotMention(message.text, botUserId);
  return files ? (text ? `${text}\n${files}` : files) : text;
}
