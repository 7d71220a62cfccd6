import { oneLine, truncate } from "../../../domain/text.ts";
import { contextLine, markdownSection, type RenderedMessage } from "./block.ts";
import { mrkdwnText } from "./format.ts";

/** An MCP server an agent could not reach: said once per session and server. */
export function renderMcpServerUnavailable(
  agentTitle: string,
  server: string,
  reason: string,
): RenderedMessage {
  const title = mrkdwnText(oneLine(truncate(agentTitle, 150)));
  const name = mrkdwnText(oneLine(truncate(server, 100)));
  return {
    text: truncate(`MCP server ${oneLine(server)} is unavailable`, 300),
    blocks: [
      markdownSection(
        `:warning: The MCP server \`${name}\` could not be reached for *${title}*. The agent was told and carries on without it.`,
      ),
      contextLine(mrkdwnText(oneLine(truncate(reason, 500)))),
    ],
  };
}
