import { z } from "zod";
import type { SlackFiles } from "../../adapters/slack/slack-files.ts";
import { ToolError } from "../../domain/errors.ts";
import type { TeamScope } from "../../domain/team-scope.ts";
import { defineTool, type ToolContext } from "../../domain/tool.ts";
import type { AgentServices } from "../agent/agent-tool-context.ts";

const defaultMaximumFileBytes = 256 * 1024;

/** The agent context gives this: the session's conversation is in its metadata. */
interface SlackFileToolContext extends ToolContext {
  services: Pick<AgentServices, "sessionMetadata">;
}

interface ReadSlackFileOptions {
  /** One workspace's files, or, with many installations, the files of the session's own installation. */
  files: SlackFiles | ((scope: TeamScope | undefined) => SlackFiles);
  maximumBytes?: number;
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

/** The installation a Slack session belongs to, from its metadata; undefined for any other. */
function scopeOf(metadata: Record<string, unknown>): TeamScope | undefined {
  const { teamId, enterpriseId } = metadata;
  if (typeof teamId !== "string" || teamId === "") return undefined;
  return {
    teamId,
    enterpriseId: typeof enterpriseId === "string" && enterpriseId ? enterpriseId : undefined,
  };
}

/**
 * `read_slack_file`: agents read a text file attached in their session's Slack thread,
 * by the file id the thread context names. Size is bounded; binary files are refused.
 */
export function readSlackFileTool(options: ReadSlackFileOptions) {
  const maximumBytes = options.maximumBytes ?? defaultMaximumFileBytes;
  const limit = `${Math.round(maximumBytes / 1024)} KiB`;
  return defineTool({
    name: "read_slack_file",
    description: `Read a text file (log, code, config) attached in this Slack thread, by its file id (e.g. F0123ABC). Files over ${limit} and binary files are refused.`,
    input: z.object({ file_id: z.string().regex(/^F[A-Z0-9]{2,}$/, "a Slack file id looks like F0123ABC") }),
    risk: "safe",
    async execute(input, context: SlackFileToolContext) {
      const metadata = await context.services.sessionMetadata();
      const files = typeof options.files === "function" ? options.files(scopeOf(metadata)) : options.files;
      const found = await files.find(input.file_id);
      if ("error" in found) {
        throw new ToolError(`Slack could not find file ${input.file_id} (${found.error}).`);
      }
      const { file } = found;
      const channel = metadata.channel;
      // Fails closed: a session without a known conversation, or a file Slack does not show
      // shared in it (an empty list included), is refused.
      if (typeof channel !== "string" || channel === "" || !file.conversations.has(channel)) {
        throw new ToolError(
          `File ${input.file_id} was not shared in this session's conversation, so it cannot be read here. Ask the user to attach it in this thread.`,
        );
      }
      const name = file.name ?? input.file_id;
      if (file.size !== undefined && file.size > maximumBytes) {
        throw new ToolError(
          `${name} is ${Math.ceil(file.size / 1024)} KiB, over the ${limit} limit for reading Slack files. Ask the user for the relevant part.`,
        );
      }
      if (file.mimetype && !textTypes.test(file.mimetype) && file.mimetype !== "application/octet-stream") {
        throw new ToolError(`${name} is a binary file (${file.mimetype}); only text files can be read.`);
      }
      if (!file.url) throw new ToolError(`Slack gave no download address for ${name}.`);
      if (!file.storedBySlack) {
        throw new ToolError(
          `${name} is not stored by Slack (it links to another site), so it cannot be read here. Ask the user to upload the file itself.`,
        );
      }
      const response = await files.download(file, context.signal);
      if (!response.ok) throw new ToolError(`Downloading ${name} failed with HTTP ${response.status}.`);
      const bytes = await readBounded(response, maximumBytes);
      if (!bytes) throw new ToolError(`${name} is over the ${limit} limit for reading Slack files.`);
      if (looksBinary(bytes)) throw new ToolError(`${name} is a binary file; only text files can be read.`);
      return `${name} (${bytes.byteLength} bytes):\n${new TextDecoder().decode(bytes)}`;
    },
  });
}
