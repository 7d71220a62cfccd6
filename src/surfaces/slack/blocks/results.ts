import { z } from "zod";
import type { AgentSnapshot } from "../../../domain/agents.ts";
import { counted } from "../../../domain/plural.ts";
import { oneLine } from "../../../domain/text.ts";
import { contextLine, markdownSection, type RenderedMessage, type SlackBlock } from "./block.ts";
import { escapeText, formatCost } from "./format.ts";
import { openLocallyBlock } from "./open-locally.ts";

const count = z.number().int().nonnegative();

/** The result shapes workspaces may report; every field optional, unknown fields ignored. */
const resultSchema = z.looseObject({
  branch: z.string().nullish(),
  pullRequestUrl: z.string().nullish(),
  prUrl: z.string().nullish(),
  pullRequest: z.looseObject({ url: z.string().nullish() }).nullish(),
  compareUrl: z.string().nullish(),
  branchUrl: z.string().nullish(),
  commit: z.string().nullish(),
  diffStat: z.union([z.string(), z.looseObject({})]).nullish(),
  diffStats: z.looseObject({}).nullish(),
  filesChanged: count.nullish(),
  insertions: count.nullish(),
  deletions: count.nullish(),
  check: z
    .looseObject({
      status: z.enum(["passed", "failed", "not-run"]),
      command: z.string(),
      durationMs: z.number().nonnegative(),
    })
    .nullish()
    .catch(undefined),
});

const statsSchema = z.looseObject({
  filesChanged: count.nullish(),
  files: count.nullish(),
  insertions: count.nullish(),
  additions: count.nullish(),
  deletions: count.nullish(),
});

interface ResultSummary {
  branch: string | undefined;
  link: string | undefined;
  linkLabel: string;
  stats: string | undefined;
  /** The check the worker finished with: "check passed (3.2 s)". */
  check: string | undefined;
}

function safeLink(url: string | null | undefined): string | undefined {
  if (url === undefined || url === null) return undefined;
  return /^https?:\/\/[^\s<>|]+$/.test(url) ? url : undefined;
}

/** Reads the branch, link and diff stats out of an agent's result, whatever subset it carries. */
export function summarizeResult(result: Record<string, unknown> | null): ResultSummary | undefined {
  if (result === null) return undefined;
  const parsed = resultSchema.safeParse(result);
  if (!parsed.success) return undefined;
  const value = parsed.data;
  const pullRequest = safeLink(value.pullRequestUrl ?? value.prUrl ?? value.pullRequest?.url ?? undefined);
  const branchLink = safeLink(value.compareUrl ?? value.branchUrl ?? undefined);
  let stats: string | undefined;
  if (typeof value.diffStat === "string") stats = value.diffStat;
  else {
    const source = statsSchema.safeParse(value.diffStats ?? value.diffStat ?? value);
    if (source.success) {
      const files = source.data.filesChanged ?? source.data.files;
      const insertions = source.data.insertions ?? source.data.additions;
      const deletions = source.data.deletions;
      if (files !== undefined || insertions !== undefined || deletions !== undefined) {
        stats = `${counted(files ?? 0, "file")}, +${insertions ?? 0} −${deletions ?? 0}`;
      }
    }
  }
  const branch = value.branch ?? undefined;
  const check = value.check ? checkText(value.check) : undefined;
  if (branch === undefined && pullRequest === undefined && branchLink === undefined && !stats && !check) {
    return undefined;
  }
  return {
    branch,
    link: pullRequest ?? branchLink,
    linkLabel: pullRequest ? "pull request" : "compare",
    stats,
    check,
  };
}

/** Raw text (not escaped): "check passed (3.2 s)", "check failed (3.2 s)", "check not run". */
function checkText(check: { status: "passed" | "failed" | "not-run"; durationMs: number }): string {
  if (check.status === "not-run") return "check not run";
  return `check ${check.status} (${(check.durationMs / 1000).toFixed(1)} s)`;
}

export function describeResult(summary: ResultSummary): string {
  const parts: string[] = [];
  if (summary.branch) parts.push(`\`${escapeText(summary.branch)}\``);
  if (summary.link) parts.push(`<${summary.link}|${summary.linkLabel}>`);
  if (summary.stats) parts.push(escapeText(summary.stats));
  if (summary.check)
    parts.push(
      `${summary.check.startsWith("check passed") ? ":white_check_mark:" : ":x:"} ${escapeText(summary.check)}`,
    );
  return parts.join(" · ");
}

/**
 * The session's results: per sub-agent branch or PR link and diff stats, then the session's cost
 * (`sessionPriced: false` when a model it used has no price).
 */
export function renderResults(
  agents: AgentSnapshot[],
  sessionCostMicros: number,
  sessionPriced = true,
  /** The session, to add the "Open locally" commands (`open-locally.ts`). */
  session?: { id: string; ownerId: string },
): RenderedMessage {
  const blocks: SlackBlock[] = [markdownSection("*Results*")];
  const lines: string[] = [];
  for (const agent of agents) {
    if (agent.role !== "worker") continue;
    const summary = summarizeResult(agent.result);
    const state = agent.status === "done" ? "" : ` (${agent.status})`;
    const line = `• *${escapeText(oneLine(agent.title))}*${state}${summary ? ` — ${describeResult(summary)}` : ""}`;
    lines.push(line);
  }
  for (let index = 0; index < lines.length; index += 10) {
    blocks.push(markdownSection(lines.slice(index, index + 10).join("\n")));
  }
  const cost = formatCost(sessionCostMicros, sessionPriced);
  if (session) blocks.push(openLocallyBlock(agents, session));
  blocks.push(contextLine(`Session cost: ${cost}`));
  return {
    text: `Results: ${counted(lines.length, "agent")}, session cost ${cost}`,
    blocks: blocks.slice(0, 50),
  };
}
