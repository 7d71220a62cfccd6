import { describeSetupOutcome } from "../../../domain/environment.ts";
import { oneLine, truncate } from "../../../domain/text.ts";
import type { WorkspaceSetup } from "../../../domain/tool.ts";
import { contextLine, markdownSection, type RenderedMessage } from "./block.ts";
import { escapeText, mrkdwnText } from "./format.ts";

/** Characters of setup output a Slack message shows; the worker can read all of it. */
const shownOutput = 2000;

/** The end of setup's output in a code block: escaped, and no backtick run can close the fence. */
function codeBlock(text: string): string {
  const tail = text.length > shownOutput ? `…${text.slice(text.length - shownOutput)}` : text;
  const spaced = escapeText(tail)
    .replace(/`(?=`)/g, "`\u200b")
    .replace(/^`/, "\u200b`")
    .replace(/`$/, "`\u200b");
  return `\`\`\`${spaced || " "}\`\`\``;
}

/** A sub-agent's environment setup that failed: what ran, why it failed, the end of its output. */
export function renderSetupFailure(
  agentTitle: string,
  setup: WorkspaceSetup & { repository: string; outputEnd: string },
): RenderedMessage {
  const title = mrkdwnText(oneLine(truncate(agentTitle, 150)));
  const repository = mrkdwnText(oneLine(setup.repository));
  const headline =
    `:warning: Setup of \`${repository}\` for *${title}* ${mrkdwnText(oneLine(describeSetupOutcome(setup)))}. ` +
    "The agent was told and carries on without it.";
  return {
    text: truncate(`Setup of ${oneLine(setup.repository)} for ${oneLine(agentTitle)} failed`, 300),
    blocks: [
      markdownSection(headline),
      contextLine(`\`${mrkdwnText(oneLine(truncate(setup.command, 300)))}\``),
      markdownSection(codeBlock(setup.outputEnd)),
    ],
  };
}
