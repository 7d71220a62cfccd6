import type { AgentSnapshot } from "../../../domain/agents.ts";
import type { RequestSnapshot } from "../../../domain/requests.ts";
import { oneLine, truncate } from "../../../domain/text.ts";
import { isActive } from "./crew-board.ts";
import { escapeText, formatCost, formatTokens, mrkdwnText, totalTokens } from "./format.ts";

/**
 * The runtime slash commands a code channel offers. Names carry no slash and must not
 * collide with Slack's own commands: `/status` is Slack's, so the crew's is `/crew-status`.
 */
export const codeChannelCommands = {
  stop: "stop",
  status: "crew-status",
  budget: "budget",
} as const;

export type CodeChannelCommand = (typeof codeChannelCommands)[keyof typeof codeChannelCommands];

/** What `agents.conversations.setCommands` registers. */
export const codeChannelCommandSet = [
  {
    name: codeChannelCommands.stop,
    description: "Stop every sub-agent of this session, or the one named",
    argument_hint: "[agent | all]",
  },
  { name: codeChannelCommands.status, description: "Where each sub-agent stands, and the session's cost" },
  {
    name: codeChannelCommands.budget,
    description: "The session's spend; extend or stop when the budget is reached",
    argument_hint: "[extend | stop]",
  },
];

/** A command's name as Slack sends it (`/stop`), or undefined when it is none of ours. */
export function parseCommandName(command: string): CodeChannelCommand | undefined {
  const name = command.replace(/^\//, "");
  return Object.values(codeChannelCommands).find((known) => known === name);
}

/** The agent `/stop <text>` names: by id, else by title (ignoring case), among those still working. */
export function findAgentToStop(agents: AgentSnapshot[], text: string): AgentSnapshot | undefined {
  const wanted = text.trim().toLowerCase();
  const workers = agents.filter((agent) => agent.role === "worker" && isActive(agent));
  return (
    workers.find((agent) => agent.id.toLowerCase() === wanted) ??
    workers.find((agent) => agent.title.trim().toLowerCase() === wanted)
  );
}

/** `/crew-status`: one line per sub-agent, then the session's cost (mrkdwn, escaped). */
export function renderStatusReply(agents: AgentSnapshot[], costMicros: number): string {
  const workers = agents.filter((agent) => agent.role === "worker").slice(0, 30);
  const lines = workers.map((agent) => {
    const progress = agent.latestProgress
      ? ` — ${escapeText(truncate(oneLine(agent.latestProgress), 120))}`
      : "";
    return `• *${escapeText(truncate(oneLine(agent.title), 100))}*: ${agent.status}${progress}`;
  });
  if (lines.length === 0) lines.push("No sub-agents yet.");
  lines.push(`Session cost: ${formatCost(costMicros)}`);
  return lines.join("\n");
}

/** `/budget`: the spend so far, and what to do when the budget is reached (mrkdwn, escaped). */
export function renderBudgetReply(input: {
  agents: AgentSnapshot[];
  costMicros: number;
  pending: RequestSnapshot | undefined;
}): string {
  const tokens = input.agents.reduce((sum, agent) => sum + totalTokens(agent.usage), 0);
  const spend = `Spent so far: ${formatCost(input.costMicros)} · ${formatTokens(tokens)}.`;
  if (!input.pending) return `${spend} The budget is not reached.`;
  return `${spend} *Budget reached:* ${mrkdwnText(input.pending.prompt, 1000)}\n\`/budget extend\` or \`/budget stop\` decides it (the session's owner or an approver).`;
}
