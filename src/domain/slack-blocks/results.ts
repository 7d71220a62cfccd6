import { z } from "zod";
import type { AgentSnapshot } from "../../runtime/surface-port.ts";
import { contextLine, markdownSection, type RenderedMessage, type SlackBlock } from "./block.ts";
import { escapeText, formatCost } from "./format.ts";

const count = z.number().int().nonnegative();

/** The result shapes workspaces may report; every field optional, unknown fields ignored. */
const resultSchema = z.looseObject({
  branch: z.string().optional(),
  pullRequestUrl: z.string().optional(),
  prUrl: z.string().optional(),
  pullRequest: z.looseObject({ url: z.string().optional() }).optional(),
  compareUrl: z.string().optional(),
  branchUrl: z.string().optional(),
  commit: z.string().optional(),
  diffStat: z.union([z.string(), z.looseObject({})]).optional(),
  diffStats: z.looseObject({}).optional(),
  filesChanged: count.optional(),
  insertions: count.optional(),
  deletions: count.optional(),
});

const statsSchema = z.looseObject({
  filesChanged: count.optional(),
  files: count.optional(),
  insertions: count.optional(),
  additions: count.optional(),
  deletions: count.optional(),
});

export interface ResultSummary {
  branch: string | undefined;
  link: string | undefined;
  linkLabel: string;
  stats: string | undefined;
}

function safeLink(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  return /^https?:\/\/[^\s<>|]+$/.test(url) ? url : undefined;
}

/** Reads the branch, link and diff stats out of an agent's result, whatever subset it carries. */
export function summarizeResult(result: Record<string, unknown> | null): ResultSummary | undefined {
  if (result === null) return undefined;
  const parsed = resultSchema.safeParse(result);
  if (!parsed.success) return undefined;
  const value = parsed.data;
  const pullRequest = safeLink(value.pullRequestUrl ?? value.prUrl ?? value.pullRequest?.url);
  const branchLink = safeLink(value.compareUrl ?? value.branchUrl);
  let stats: string | undefined;
  if (typeof value.diffStat === "string") stats = value.diffStat;
  else {
    const source = statsSchema.safeParse(value.diffStats ?? value.diffStat ?? value);
    if (source.success) {
      const files = source.data.filesChanged ?? source.data.files;
      const insertions = source.data.insertions ?? source.data.additions;
      const deletions = source.data.deletions;
      if (files !== undefined || insertions !== undefined || deletions !== undefined) {
        stats = `${files ?? 0} files, +${insertions ?? 0} −${deletions ?? 0}`;
      }
    }
  }
  if (value.branch === undefined && pullRequest === undefined && branchLink === undefined && !stats) {
    return undefined;
  }
  return {
    branch: value.branch,
    link: pullRequest ?? branchLink,
    linkLabel: pullRequest ? "pull request" : "compare",
    stats,
  };
}

export function describeResult(summary: ResultSummary): string {
  const parts: string[] = [];
  if (summary.branch) parts.push(`\`${escapeText(summary.branch)}\``);
  if (summary.link) parts.push(`<${summary.link}|${summary.linkLabel}>`);
  if (summary.stats) parts.push(escapeText(summary.stats));
  return parts.join(" · ");
}

/** The session's results: per sub-agent branch or PR link and diff stats, then the session's cost. */
export function renderResults(agents: AgentSnapshot[], sessionCostMicros: number): RenderedMessage {
  const blocks: SlackBlock[] = [markdownSection("*Results*")];
  const lines: string[] = [];
  for (const agent of agents) {
    if (agent.role !== "worker") continue;
    const summary = summarizeResult(agent.result);
    const state = agent.status === "done" ? "" : ` (${agent.status})`;
    const line = `• *${escapeText(agent.title)}*${state}${summary ? ` — ${describeResult(summary)}` : ""}`;
    lines.push(line);
  }
  for (let index = 0; index < lines.length; index += 10) {
    blocks.push(markdownSection(lines.slice(index, index + 10).join("\n")));
  }
  blocks.push(contextLine(`Session cost: ${formatCost(sessionCostMicros)}`));
  return {
    text: `Results: ${lines.length} agents, session cost ${formatCost(sessionCostMicros)}`,
    blocks: blocks.slice(0, 50),
  };
}
