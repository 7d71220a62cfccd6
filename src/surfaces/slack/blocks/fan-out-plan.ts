import {
  type FanOutPlan,
  type PlannedWorker,
  parseFanOutPlan,
  planEstimateText,
} from "../../../domain/fan-out-plan.ts";
import { counted } from "../../../domain/plural.ts";
import type { RequestSnapshot } from "../../../domain/requests.ts";
import { oneLine, truncate } from "../../../domain/text.ts";
import { actionIds } from "./action-ids.ts";
import {
  actionsBlock,
  button,
  contextLine,
  markdownSection,
  type RenderedMessage,
  type SlackBlock,
} from "./block.ts";
import { mrkdwnText, neutralizeBroadcasts, slackDate } from "./format.ts";

/** `plan` uses Slack's plan and task_card blocks; `sections` is the fallback every client renders. */
export type PlanStyle = "plan" | "sections";

/** Slack's limit of tasks in one plan block; a section per worker keeps the message under 50 blocks too. */
const maximumShown = 40;

const headings: Record<string, string> = {
  start: "Plan started",
  change: "Plan sent back with a change",
  cancel: "Plan cancelled",
};

const verbs: Record<string, string> = {
  start: ":arrow_forward: Started",
  change: ":pencil2: Sent back with a change",
  cancel: ":heavy_multiplication_x: Cancelled",
};

/** Who decided, what and when, in place of the buttons. */
function decisionLine(request: RequestSnapshot): SlackBlock {
  const parts = [verbs[request.decision ?? ""] ?? ":heavy_multiplication_x: Withdrawn"];
  if (request.decidedBy) parts.push(`by <@${request.decidedBy}>`);
  if (request.decidedAt) parts.push(slackDate(request.decidedAt));
  return contextLine(parts.join(" "));
}

function workerCost(worker: PlannedWorker): string {
  return worker.estimateMicros === null ? "unpriced" : `~$${(worker.estimateMicros / 1e6).toFixed(2)}`;
}

function workerFacts(worker: PlannedWorker): string {
  return `${worker.repo ?? "no repository"} · ${worker.model} · ${workerCost(worker)}`;
}

function plainTitle(text: string): string {
  return neutralizeBroadcasts(truncate(oneLine(text), 150)).trim() || "(untitled)";
}

function richText(text: string): SlackBlock {
  return {
    type: "rich_text",
    elements: [{ type: "rich_text_section", elements: [{ type: "text", text: text.slice(0, 2000) }] }],
  };
}

function heading(plan: FanOutPlan, request: RequestSnapshot): string {
  const title =
    request.status === "pending" ? "Plan" : (headings[request.decision ?? ""] ?? "Plan withdrawn");
  return `${title}: ${counted(plan.workers.length, "worker")}, ${planEstimateText(plan)}`;
}

function planBlocks(plan: FanOutPlan, request: RequestSnapshot): SlackBlock[] {
  const taskStatus = request.status === "pending" || request.decision === "start" ? "pending" : "error";
  const tasks = plan.workers.slice(0, maximumShown).map((worker, index) => ({
    type: "task_card",
    task_id: `worker_${index + 1}`,
    title: plainTitle(worker.title),
    status: taskStatus,
    details: richText(workerFacts(worker)),
  }));
  return [{ type: "plan", title: heading(plan, request), tasks }];
}

function sectionBlocks(plan: FanOutPlan, request: RequestSnapshot): SlackBlock[] {
  const lines = plan.workers
    .slice(0, maximumShown)
    .map(
      (worker, index) =>
        `${index + 1}. *${mrkdwnText(oneLine(worker.title), 150)}* — ${mrkdwnText(workerFacts(worker), 300)}`,
    );
  return [
    markdownSection(`:clipboard: *${mrkdwnText(heading(plan, request), 300)}*`),
    markdownSection(lines.join("\n")),
  ];
}

function notes(plan: FanOutPlan): SlackBlock {
  const hidden = plan.workers.length - maximumShown;
  const more = hidden > 0 ? `…and ${counted(hidden, "more worker")}. ` : "";
  return contextLine(
    `${more}Asked before starting because: ${mrkdwnText(plan.reason, 300)}. The cost is ${mrkdwnText(plan.assumption, 500)}.`,
  );
}

function decisionButtons(request: RequestSnapshot): SlackBlock {
  return actionsBlock(
    [
      button({ text: "Start", actionId: actionIds.planStart, value: request.id, style: "primary" }),
      button({ text: "Change…", actionId: actionIds.planChange, value: request.id }),
      button({ text: "Cancel", actionId: actionIds.planCancel, value: request.id, style: "danger" }),
    ],
    `plan_${request.id}`.slice(0, 255),
  );
}

/**
 * The supervisor's fan-out waiting for a person: each worker's task, repository, model and
 * estimated cost, with Start, Change… and Cancel; once decided, who decided what and when.
 */
export function renderPlan(request: RequestSnapshot, style: PlanStyle): RenderedMessage {
  const plan = parseFanOutPlan(request.action);
  if (!plan) {
    const text = `Plan: ${mrkdwnText(request.prompt, 2500)}`;
    const last = request.status === "pending" ? decisionButtons(request) : decisionLine(request);
    return { text, blocks: [markdownSection(text), last] };
  }
  const body = style === "plan" ? planBlocks(plan, request) : sectionBlocks(plan, request);
  const blocks = [...body, notes(plan)];
  if (request.status === "pending") blocks.push(decisionButtons(request));
  else {
    if (request.decision === "change" && request.answer) {
      blocks.push(markdownSection(`*Change:* ${mrkdwnText(request.answer, 2500)}`));
    }
    blocks.push(decisionLine(request));
  }
  const ask = request.status === "pending" ? " Start, Change or Cancel?" : "";
  return { text: `${heading(plan, request)}.${ask}`, blocks };
}
