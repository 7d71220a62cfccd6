import type { AgentSnapshot } from "../../../domain/agents.ts";
import { oneLine, truncate } from "../../../domain/text.ts";
import { isActive } from "./crew-board.ts";
import { formatCost, formatTokens, neutralizeBroadcasts, totalTokens } from "./format.ts";
import { summarizeResult } from "./results.ts";

/** Icons Slack accepts on a context bar item. */
type ContextBarIcon =
  | "branch"
  | "folder"
  | "hierarchy"
  | "life-ring"
  | "link"
  | "globe"
  | "terminal"
  | "code"
  | "search"
  | "lock";

/** One item of a code channel's context bar (`agents.conversations.setProperties`). */
interface ContextBarItem {
  key: string;
  label: string;
  icon: ContextBarIcon;
  url?: string;
}

/** Slack shows at most five items; the array replaces the whole bar. */
const maximumContextBarItems = 5;

/** Slack shows a label as typed: nothing in it may mention anyone or disguise a link. */
function label(text: string): string {
  const safe = truncate(neutralizeBroadcasts(oneLine(text)), 128).trim();
  return safe === "" ? "(blank)" : safe;
}

function safeUrl(url: string | undefined): string | undefined {
  return url !== undefined && url.length <= 2048 && /^https:\/\/[^\s<>|]+$/.test(url) ? url : undefined;
}

function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function statusLabel(workers: AgentSnapshot[], ended: boolean): string {
  const count = (status: AgentSnapshot["status"]) =>
    workers.filter((agent) => agent.status === status).length;
  const parts: string[] = [];
  if (count("running") > 0) parts.push(`${count("running")} running`);
  if (count("queued") > 0) parts.push(`${count("queued")} queued`);
  if (count("waiting") > 0) parts.push(`${count("waiting")} waiting for you`);
  if (count("done") > 0) parts.push(`${count("done")} done`);
  if (count("failed") > 0) parts.push(`${count("failed")} failed`);
  if (count("cancelled") > 0) parts.push(`${count("cancelled")} stopped`);
  const state = ended ? "Finished" : workers.some(isActive) ? "Working" : "Idle";
  return parts.length > 0 ? `${state}: ${parts.join(", ")}` : state;
}

/** Where the work lands: the pull request(s) if any were opened, else the branch(es). */
function resultItem(workers: AgentSnapshot[]): ContextBarItem | undefined {
  const summaries = workers.flatMap((agent) => {
    const summary = summarizeResult(agent.result);
    return summary ? [summary] : [];
  });
  const pullRequests = summaries.filter((summary) => summary.linkLabel === "pull request" && summary.link);
  const first = pullRequests[0];
  if (first) {
    const url = safeUrl(first.link);
    const text = pullRequests.length === 1 ? "Pull request" : countOf(pullRequests.length, "pull request");
    return { key: "pull-request", label: text, icon: "link", ...(url ? { url } : {}) };
  }
  const branches = summaries.filter((summary) => summary.branch);
  const branch = branches[0];
  if (!branch?.branch) return undefined;
  const url = safeUrl(branch.link);
  const text = branches.length === 1 ? branch.branch : countOf(branches.length, "branch");
  return { key: "branch", label: label(text), icon: "branch", ...(url ? { url } : {}) };
}

/**
 * The context bar of a session's code channel: the repository, the branch or pull request,
 * where the crew stands, and what the session cost.
 */
export function renderContextBar(input: {
  agents: AgentSnapshot[];
  costMicros: number;
  ended: boolean;
}): ContextBarItem[] {
  const workers = input.agents.filter((agent) => agent.role === "worker");
  const items: ContextBarItem[] = [];
  const repositories = [...new Set(workers.flatMap((agent) => (agent.repository ? [agent.repository] : [])))];
  if (repositories.length > 0) {
    items.push({ key: "repository", label: label(repositories.join(", ")), icon: "folder" });
  }
  const result = resultItem(workers);
  if (result) items.push(result);
  items.push({ key: "status", label: label(statusLabel(workers, input.ended)), icon: "terminal" });
  const tokens = workers.reduce((sum, agent) => sum + totalTokens(agent.usage), 0);
  items.push({
    key: "cost",
    label: `${formatCost(input.costMicros)} · ${formatTokens(tokens)}`,
    icon: "code",
  });
  return items.slice(0, maximumContextBarItems);
}

/** The channel's display name at creation; Slack re-titles it from the origin message. */
export function codeChannelName(title: string): string {
  return label(truncate(title, 80)).slice(0, 80);
}
