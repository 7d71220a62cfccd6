import { z } from "zod";
import type { AgentSnapshot } from "../../../domain/agents.ts";
import { branchCommands, chatCommand, fetchesFromServer } from "../../../domain/open-locally.ts";
import { oneLine } from "../../../domain/text.ts";
import type { SlackBlock } from "./block.ts";
import { escapeText } from "./format.ts";

/** The fields of a worker's result that say where its branch is; anything else is ignored. */
const sourceSchema = z.looseObject({
  branch: z.string().min(1),
  commit: z.string().nullish(),
  fetchFrom: z.string().min(1).nullish(),
  pullRequestUrl: z
    .string()
    .regex(/^https:\/\/[^\s<>|`']+$/)
    .nullish()
    .catch(undefined),
});

/** At most this many workers' commands; the rest are in their results above. */
const maximumWorkers = 8;

function code(text: string): string {
  return `\`${escapeText(text).replaceAll("`", "'")}\``;
}

/** One line per worker with a branch to open, as mrkdwn. */
function workerLine(agent: AgentSnapshot): string | undefined {
  const parsed = sourceSchema.safeParse(agent.result ?? {});
  if (!parsed.success) return undefined;
  const source = {
    branch: parsed.data.branch,
    commit: parsed.data.commit ?? undefined,
    fetchFrom: parsed.data.fetchFrom ?? undefined,
    pullRequestUrl: parsed.data.pullRequestUrl ?? undefined,
  };
  const commands = branchCommands(source);
  if (commands.length === 0) return undefined;
  const where = fetchesFromServer(source) ? " (in a clone on the Threadwork server)" : "";
  const commit = source.commit ? ` at ${code(source.commit.slice(0, 12))}` : "";
  return `*${escapeText(oneLine(agent.title))}*${commit}${where}: ${commands.map(code).join(" or ")}`;
}

/**
 * "Open locally": the exact commands that check out each worker's branch, and the one that
 * continues the session at the terminal. A context block: small, grey and in the results
 * message, so it adds no message of its own.
 */
export function openLocallyBlock(
  agents: AgentSnapshot[],
  session: { id: string; ownerId: string },
): SlackBlock {
  const lines = agents
    .filter((agent) => agent.role === "worker")
    .map(workerLine)
    .filter((line): line is string => line !== undefined)
    .slice(0, maximumWorkers);
  const elements = [
    { type: "mrkdwn", text: "*Open locally*" },
    ...lines.map((text) => ({ type: "mrkdwn", text })),
    {
      type: "mrkdwn",
      text: `Continue at a terminal (owner only): ${code(chatCommand(session.id, session.ownerId))}`,
    },
  ];
  return { type: "context", elements };
}
