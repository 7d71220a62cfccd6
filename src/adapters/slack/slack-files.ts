import { z } from "zod";
import { ThreadworkError } from "../../domain/errors.ts";
import type { SlackApi } from "./slack-api.ts";
import { slackErrorOf } from "./slack-errors.ts";

/** A file as Slack describes it, reduced to what deciding whether to read it needs. */
interface SlackFile {
  id: string;
  name: string | undefined;
  mimetype: string | undefined;
  size: number | undefined;
  /** Every conversation Slack says the file is shared in. */
  conversations: Set<string>;
  /** Where its bytes are, or undefined when Slack gives no address. */
  url: string | undefined;
  /** Whether Slack stores the bytes itself; a remote file links to a site its app chose. */
  storedBySlack: boolean;
}

/** What reading a Slack file needs from Slack. The bot token stays behind it. */
export interface SlackFiles {
  /** `files.info`; a failure is Slack's error string, e.g. `file_not_found`. */
  find(fileId: string): Promise<{ file: SlackFile } | { error: string }>;
  /** Fetches a file Slack stores, with the bot token; refuses any other file without sending it. */
  download(file: SlackFile, signal: AbortSignal): Promise<Response>;
}

const fileInfoSchema = z.object({
  file: z.looseObject({
    id: z.string(),
    name: z.string().optional(),
    mimetype: z.string().optional(),
    size: z.number().optional(),
    url_private: z.string().optional(),
    url_private_download: z.string().optional(),
    is_external: z.boolean().optional(),
    channels: z.array(z.string()).optional(),
    groups: z.array(z.string()).optional(),
    ims: z.array(z.string()).optional(),
    shares: z
      .object({
        public: z.record(z.string(), z.unknown()).optional(),
        private: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
  }),
});

type FileInfo = z.infer<typeof fileInfoSchema>["file"];

function conversationsOf(info: FileInfo): Set<string> {
  return new Set([
    ...(info.channels ?? []),
    ...(info.groups ?? []),
    ...(info.ims ?? []),
    ...Object.keys(info.shares?.public ?? {}),
    ...Object.keys(info.shares?.private ?? {}),
  ]);
}

/** Where Slack stores uploaded files: the only host the bot token is sent to (besides `apiUrl`'s). */
const slackFileOrigin = "https://files.slack.com";

/**
 * A remote file's `url_private` is its `external_url`, which the app that added it chose: the
 * token goes only to Slack's file host, or to the configured API's origin (a proxy, or tests).
 */
function isSlackHosted(url: string, apiUrl: string | undefined): boolean {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return false;
  }
  if (origin === slackFileOrigin) return true;
  return apiUrl !== undefined && URL.canParse(apiUrl) && origin === new URL(apiUrl).origin;
}

interface SlackFilesOptions {
  api: SlackApi;
  /**
   * Sent only to Slack's file host for a file Slack stores; never to the model or a child process.
   * A function when the token belongs to an installation and may rotate.
   */
  botToken: string | (() => Promise<string>);
  /** The configured Slack API address (`SLACK_API_URL`); its origin may serve files too. */
  apiUrl?: string | undefined;
  fetch?: typeof fetch;
}

export function createSlackFiles(options: SlackFilesOptions): SlackFiles {
  const fetchFile = options.fetch ?? fetch;
  const storedBySlack = (url: string | undefined, external: boolean) =>
    url !== undefined && !external && isSlackHosted(url, options.apiUrl);
  return {
    async find(fileId) {
      let info: FileInfo;
      try {
        info = fileInfoSchema.parse(await options.api.call("files.info", { file: fileId })).file;
      } catch (error) {
        return { error: slackErrorOf(error) };
      }
      const url = info.url_private_download ?? info.url_private;
      return {
        file: {
          id: info.id,
          name: info.name,
          mimetype: info.mimetype,
          size: info.size,
          conversations: conversationsOf(info),
          url,
          storedBySlack: storedBySlack(url, info.is_external === true),
        },
      };
    },
    async download(file, signal) {
      // Checked again here: whatever a caller passes, the token goes only to Slack.
      if (!file.storedBySlack || file.url === undefined || !isSlackHosted(file.url, options.apiUrl)) {
        throw new ThreadworkError("slack_file_not_hosted", `File ${file.id} is not stored by Slack.`, {
          category: "user",
          details: { fileId: file.id },
        });
      }
      const token = typeof options.botToken === "string" ? options.botToken : await options.botToken();
      return fetchFile(file.url, {
        headers: { authorization: `Bearer ${token}` },
        redirect: "follow",
        signal,
      });
    },
  };
}
