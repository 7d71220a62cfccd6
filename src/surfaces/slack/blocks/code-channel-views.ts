import type { AgentSnapshot } from "../../../domain/agents.ts";
import { visibleText } from "../../../domain/approval-action.ts";
import { redactSecrets } from "../../../domain/secret-redaction.ts";
import { markdownSection, type RenderedMessage, type SlackBlock } from "./block.ts";
import { renderCrewBoard } from "./crew-board.ts";
import { renderResults } from "./results.ts";

/** A view tab holds a Block Kit view; the crew is read-only there, Stop is the `/stop` command. */
export const crewViewKey = "crew";

/**
 * The crew as a code channel tab: the board's sections (escaped as on the board), without
 * its buttons: a click in a tab belongs to no thread, so Stop is the channel's `/stop`.
 */
export function renderCrewView(agents: AgentSnapshot[], now: Date): SlackBlock[] {
  const board = renderCrewBoard(agents, { now, style: "sections" });
  return board.blocks
    .filter((block) => block.type !== "actions")
    .map((block) => {
      const { accessory: _accessory, ...rest } = block;
      return rest;
    });
}

/** Slack refuses larger view content with `content_too_large`. */
export const maximumViewContentBytes = 1_000_000;

const encoder = new TextEncoder();
const byteLength = (text: string) => encoder.encode(text).length;

/**
 * The session's unified diff for the `diff` tab. It is what agents wrote, shown to people:
 * secrets are redacted and invisible characters written out (as for approvals), and a diff
 * too large for one view keeps only whole files, in order, with a last line saying so.
 */
export function renderDiffView(diff: string): string | undefined {
  const visible = visibleText(redactSecrets(diff)).text;
  if (visible.trim() === "") return undefined;
  const files = visible.split(/(?=^diff --git )/m);
  const note = (left: number) => `\n# ${left} more files are not shown: the diff is over Slack's limit.\n`;
  let content = "";
  let bytes = 0;
  for (const [index, file] of files.entries()) {
    const size = byteLength(file);
    if (bytes + size + byteLength(note(files.length)) > maximumViewContentBytes) {
      return content === "" ? undefined : content + note(files.length - index);
    }
    content += file;
    bytes += size;
  }
  return content;
}

/**
 * The message a code channel closes with; `agents.conversations.archive` keeps it as the
 * channel's summary and shares it in the session's thread.
 */
export function renderCodeChannelSummary(agents: AgentSnapshot[], costMicros: number): RenderedMessage {
  const results = renderResults(
    agents.filter((agent) => agent.role === "worker"),
    costMicros,
  );
  return {
    text: `Finished. ${results.text}`,
    blocks: [
      markdownSection("*Finished.* This code channel is archived; it stays readable and searchable."),
      ...results.blocks.slice(1),
    ],
  };
}
