import type { AgentSnapshot, AgentStatus } from "../../../domain/agents.ts";
import { counted } from "../../../domain/plural.ts";
import type { RequestSnapshot } from "../../../domain/requests.ts";
import { oneLine, truncate } from "../../../domain/text.ts";
import { actionIds } from "./action-ids.ts";
import { actionsBlock, button, markdownSection, type RenderedMessage, type SlackBlock } from "./block.ts";
import {
  escapeText,
  formatCost,
  formatElapsed,
  formatTokens,
  mrkdwnText,
  neutralizeBroadcasts,
  totalTokens,
  truncateEscaped,
} from "./format.ts";
import { describeResult, summarizeResult } from "./results.ts";

/** `plan` uses Slack's plan and task_card blocks; `sections` is the fallback every client renders. */
export type BoardStyle = "plan" | "sections";

const stateLabels: Record<AgentStatus, string> = {
  queued: "queued",
  running: "running",
  waiting: "waiting for you",
  idle: "idle",
  done: "done",
  failed: "failed",
  cancelled: "cancelled",
};

const stateIcons: Record<AgentStatus, string> = {
  queued: ":hourglass_flowing_sand:",
  running: ":gear:",
  waiting: ":raising_hand:",
  idle: ":zzz:",
  done: ":white_check_mark:",
  failed: ":x:",
  cancelled: ":no_entry_sign:",
};

const taskStatus: Record<AgentStatus, "pending" | "in_progress" | "complete" | "error"> = {
  queued: "pending",
  running: "in_progress",
  waiting: "in_progress",
  idle: "in_progress",
  done: "complete",
  failed: "error",
  cancelled: "error",
};

/**
 * The agents as the board shows them: one that runs a tool call waiting on a person's answer
 * (an MCP server's question keeps its call, and so the agent, running) shows as waiting.
 */
export function waitingOnPeople(
  agents: AgentSnapshot[],
  pending: readonly Pick<RequestSnapshot, "agentId">[],
): AgentSnapshot[] {
  const asking = new Set(pending.map((request) => request.agentId));
  return agents.map((agent) =>
    agent.status === "running" && asking.has(agent.id) ? { ...agent, status: "waiting" } : agent,
  );
}

export function isActive(agent: AgentSnapshot): boolean {
  return agent.status === "queued" || agent.status === "running" || agent.status === "waiting";
}

/** Boards show at most this many agents: a message holds at most 50 blocks. */
const maximumAgents = 20;

function agentFacts(agent: AgentSnapshot, now: Date): string {
  return [
    stateLabels[agent.status],
    formatElapsed(agent.startedAt, agent.finishedAt, now),
    formatTokens(totalTokens(agent.usage)),
    formatCost(agent.costMicros, agent.priced !== false),
  ].join(" · ");
}

function agentDetail(agent: AgentSnapshot): string | undefined {
  const summary = summarizeResult(agent.result);
  if (summary) return describeResult(summary);
  if (agent.latestProgress) return escapeText(truncate(agent.latestProgress, 280));
  return undefined;
}

/** The detail for rich text, which Slack shows as typed: no escapes, nothing that could mention or link. */
function plainDetail(agent: AgentSnapshot): string | undefined {
  const summary = summarizeResult(agent.result);
  if (summary)
    return [summary.branch, summary.link, summary.stats, summary.check].filter(Boolean).join(" · ");
  return agent.latestProgress ? neutralizeBroadcasts(truncate(agent.latestProgress, 280)) : undefined;
}

function richText(text: string): SlackBlock {
  return {
    type: "rich_text",
    elements: [{ type: "rich_text_section", elements: [{ type: "text", text: text.slice(0, 2000) }] }],
  };
}

/**
 * Slack refuses a block whose buttons share an action_id, so each Stop gets its own suffix;
 * they stay unique across the whole board too. The listener matches the prefix.
 */
function stopActionId(index: number): string {
  return `${actionIds.stopAgent}_${index}`;
}

/** "Steer #2 …" for each agent still working: a modal sends that one agent a message. */
function steerButtons(agents: AgentSnapshot[]): SlackBlock[] {
  return agents
    .map((agent, index) => ({ agent, number: index + 1 }))
    .filter(({ agent }) => isActive(agent))
    .slice(0, 25)
    .map(({ agent, number }, index) =>
      button({
        text: `Steer #${number} ${truncate(oneLine(agent.title), 50)}`,
        actionId: `${actionIds.steerAgent}_${index}`,
        value: agent.id,
      }),
    );
}

function stopButtons(agents: AgentSnapshot[]): SlackBlock[] {
  const active = agents.filter(isActive);
  const elements = active.slice(0, 24).map((agent, index) =>
    button({
      text: `Stop ${truncate(oneLine(agent.title), 60)}`,
      actionId: stopActionId(index),
      value: agent.id,
    }),
  );
  if (active.length > 0) {
    elements.push(button({ text: "Stop all", actionId: actionIds.stopAll, value: "all", style: "danger" }));
  }
  return elements;
}

function sectionsBoard(agents: AgentSnapshot[], now: Date): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  let active = 0;
  for (const [index, agent] of agents.entries()) {
    const detail = agentDetail(agent);
    const lines = [
      `${stateIcons[agent.status]} #${index + 1} *${escapeText(truncate(oneLine(agent.title), 150))}* — ${agentFacts(agent, now)}`,
    ];
    if (detail) lines.push(`> ${detail}`);
    const block = markdownSection(lines.join("\n"));
    if (isActive(agent)) {
      block.accessory = button({ text: "Stop", actionId: stopActionId(active), value: agent.id });
      active += 1;
    }
    blocks.push(block);
  }
  const stopAll = stopButtons(agents).filter((element) => element.action_id === actionIds.stopAll);
  if (stopAll.length > 0) blocks.push(actionsBlock(stopAll));
  const steer = steerButtons(agents);
  if (steer.length > 0) blocks.push(actionsBlock(steer));
  return blocks;
}

function planBoard(agents: AgentSnapshot[], now: Date, title: string): SlackBlock[] {
  const tasks = agents.map((agent, index) => {
    const title = neutralizeBroadcasts(truncate(oneLine(agent.title), 150)).trim() || "(untitled)";
    const task: SlackBlock = {
      type: "task_card",
      task_id: agent.id.slice(0, 64),
      title: `#${index + 1} ${title}`,
      status: taskStatus[agent.status],
      details: richText(agentFacts(agent, now)),
    };
    const plain = plainDetail(agent);
    if (plain) task.output = richText(plain);
    return task;
  });
  const blocks: SlackBlock[] = [{ type: "plan", title, tasks }];
  const buttons = stopButtons(agents);
  if (buttons.length > 0) blocks.push(actionsBlock(buttons));
  const steer = steerButtons(agents);
  if (steer.length > 0) blocks.push(actionsBlock(steer));
  return blocks;
}

/**
 * The crew board: one line per sub-agent, numbered as people address it (`#2`, see
 * `parseSteerAddress`), with state, progress, elapsed, tokens and cost, plus Stop and Steer buttons. It is edited in place, so no block carries a fixed block_id: Slack asks for a new one
 * on every iteration of a message and makes one up when it is absent.
 */
export function renderCrewBoard(
  allAgents: AgentSnapshot[],
  options: { now: Date; style: BoardStyle },
): RenderedMessage {
  const agents = allAgents.filter((agent) => agent.role === "worker").slice(0, maximumAgents);
  const running = agents.filter(isActive).length;
  const cost = agents.reduce((sum, agent) => sum + agent.costMicros, 0);
  const priced = agents.every((agent) => agent.priced !== false);
  const title = `Crew: ${counted(agents.length, "agent")}, ${running} active · ${formatCost(cost, priced)}`;
  const header = markdownSection(`*${title}*`);
  const body =
    options.style === "plan" ? planBoard(agents, options.now, title) : sectionsBoard(agents, options.now);
  const lines = agents.map(
    (agent, index) => `#${index + 1} ${mrkdwnText(oneLine(agent.title), 100)}: ${stateLabels[agent.status]}`,
  );
  return {
    text: truncateEscaped(`${title}\n${lines.join("\n")}`, 3000),
    blocks: options.style === "plan" ? body : [header, ...body],
  };
}
