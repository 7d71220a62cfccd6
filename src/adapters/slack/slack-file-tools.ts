import { z } from "zod";
import { ToolError } from "../../domain/errors.ts";
import type { SessionSnapshot } from "../../domain/sessions.ts";
import { defineTool, type ToolDefinition } from "../../domain/tool.ts";
import type { SlackApi } from "./slack-api.ts";
import { slackErrorOf } from "./slack-errors.ts";

export const defaultMaximumFileBytes = 256 * 1024;

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

/** Every conversation Slack says the file is shared in. */
function conversationsOf(info: z.infer<typeof fileInfoSchema>["file"]): Set<string> {
  return new Set([
    ...(info.channels ?? []),
    ...(info.groups ?? []),
    ...(info.ims ?? []),
    ...Object.keys(info.shares?.public ?? {}),
    ...Object.keys(info.shares?.private ?? {}),
  ]);
}

const textTypes =
  /^(text\/|application\/(json|xml|x-yaml|yaml|javascript|typescript|x-sh|x-python|toml|sql|csv|x-ndjson))/;

function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 8192);
  if (sample.includes(0)) return true;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(
      sample.length < bytes.length ? sample.subarray(0, -4) : sample,
    );
    return false;
  } catch {
    return true;
  }
}

async function readBounded(response: Response, maximumBytes: number): Promise<Uint8Array | undefined> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maximumBytes) {
      await response.body.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
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

export interface SlackFileToolOptions {
  api: SlackApi;
  /** Sent only to Slack's file host for a file Slack stores; never to the model or a child process. */
  botToken: string;
  /** The configured Slack API address (`SLACK_API_URL`); its origin may serve files too. */
  apiUrl?: string | undefined;
  runtime: { getSession(sessionId: string): Promise<SessionSnapshot | undefined> };
  maximumBytes?: number;
  fetch?: typeof fetch;
}

/**
 * `read_slack_file`: agents read a text file attached in their session's Slack thread,
 * by the file id the thread context names. Size is bounded; binary files are refused.
 */
export function createSlackFileTools(options: SlackFileToolOptions): ToolDefinition<{ file_id: string }>[] {
  const maximumBytes = options.maximumBytes ?? defaultMaximumFileBytes;
  const fetchFile = options.fetch ?? fetch;
  const readFile = defineTool({
    name: "read_slack_file",
    description: `Read a text file (log, code, config) attached in this Slack thread, by its file id (e.g. F0123ABC). Files over ${Math.round(maximumBytes / 1024)} KiB and binary files are refused.`,
    input: z.object({ file_id: z.string().regex(/^F[A-Z0-9]{2,}$/, "a Slack file id looks like F0123ABC") }),
    risk: "safe",
    async execute(input, context) {
      let info: z.infer<typeof fileInfoSchema>["file"];
      try {
        info = fileInfoSchema.parse(await options.api.call("files.info", { file: input.file_id })).file;
      } catch (error) {
        throw new ToolError(`Slack could not find file ${input.file_id} (${slackErrorOf(error)}).`);
      }
      const session = await options.runtime.getSession(context.sessionId);
      const channel = session?.metadata.channel;
      // Fails closed: a session without a known conversation, or a file Slack does not show
      // shared in it (an empty list included), is refused.
      if (typeof channel !== "string" || channel === "" || !conversationsOf(info).has(channel)) {
        throw new ToolError(
          `File ${input.file_id} was not shared in this session's conversation, so it cannot be read here. Ask the user to attach it in this thread.`,
        );
      }
      const name = info.name ?? input.file_id;
      if (info.size !== undefined && info.size > maximumBytes) {
        throw new ToolError(
          `${name} is ${Math.ceil(info.size / 1024)} KiB, over the ${Math.round(maximumBytes / 1024)} KiB limit for reading Slack files. Ask the user for the relevant part.`,
        );
      }
      if (info.mimetype && !textTypes.test(info.mimetype) && info.mimetype !== "application/octet-stream") {
        throw new ToolError(`${name} is a binary file (${info.mimetype}); only text files can be read.`);
      }
      const url = info.url_private_download ?? info.url_private;
      if (!url) throw new ToolError(`Slack gave no download address for ${name}.`);
      if (info.is_external === true || !isSlackHosted(url, options.apiUrl)) {
        throw new ToolError(
          `${name} is not stored by Slack (it links to another site), so it cannot be read here. Ask the user to upload the file itself.`,
        );
      }
      const response = await fetchFile(url, {
        headers: { authorization: `Bearer ${options.botToken}` },
        redirect: "follow",
        signal: context.signal,
      });
      if (!response.ok) throw new ToolError(`Downloading ${name} failed with HTTP ${response.status}.`);
      const bytes = await readBounded(response, maximumBytes);
      if (!bytes) {
        throw new ToolError(
          `${name} is over the ${Math.round(maximumBytes / 1024)} KiB limit for reading Slack files.`,
        );
      }
      if (looksBinary(bytes)) throw new ToolError(`${name} is a binary file; only text files can be read.`);
      return `${name} (${bytes.byteLength} bytes):\n${new TextDecoder().decode(bytes)}`;
    },
  });
  return [readFile];
}
