import { z } from "zod";
import type { Usage } from "./messages.ts";
import { formatModelRef, type ModelRef } from "./model.ts";
import { costOf, type PriceOverrides } from "./pricing.ts";

/**
 * A typical worker, the assumption behind every estimate. It is a guess, shown beside the number:
 * a worker's real cost depends on its task and often differs from this by two or three times.
 */
const typicalWorker = { turns: 25, promptTokens: 30_000, cachedShare: 0.9, outputTokens: 1_000 } as const;

export const estimateAssumption =
  `an estimate: ${typicalWorker.turns} model turns per worker, each reading about ` +
  `${typicalWorker.promptTokens / 1000}k prompt tokens (${typicalWorker.cachedShare * 100}% from cache) and ` +
  `writing about ${typicalWorker.outputTokens / 1000}k; real work often costs two or three times more or less`;

/** Who decides a plan, and how: start the workers, send the supervisor a change, or start nothing. */
export const planDecisions = ["start", "change", "cancel"] as const;
export type PlanDecision = (typeof planDecisions)[number];

const plannedWorkerSchema = z.object({
  toolCallId: z.string(),
  title: z.string(),
  repo: z.string().nullable(),
  model: z.string(),
  tier: z.enum(["worker", "strong"]),
  /** Micro-dollars; null when the model has no price. */
  estimateMicros: z.number().int().nonnegative().nullable(),
});

const fanOutPlanSchema = z.object({
  workers: z.array(plannedWorkerSchema),
  /** The priced workers' sum, in micro-dollars. */
  estimateMicros: z.number().int().nonnegative(),
  /** False when a worker's model has no price: the sum leaves it out. */
  priced: z.boolean(),
  assumption: z.string(),
  /** Why this plan asks first, e.g. "4 workers, more than 3". */
  reason: z.string(),
});

export type PlannedWorker = z.infer<typeof plannedWorkerSchema>;
export type FanOutPlan = z.infer<typeof fanOutPlanSchema>;

/** The plan stored on a request, or undefined when it is not one. */
export function parseFanOutPlan(value: unknown): FanOutPlan | undefined {
  const parsed = fanOutPlanSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** A typical worker's cost on this model, in micro-dollars; undefined when the model has no price. */
export function typicalWorkerMicros(model: ModelRef, overrides: PriceOverrides = {}): number | undefined {
  const cached = Math.round(typicalWorker.promptTokens * typicalWorker.cachedShare);
  const turn: Usage = {
    inputTokens: typicalWorker.promptTokens - cached,
    outputTokens: typicalWorker.outputTokens,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
  };
  const cost = costOf(model, turn, overrides);
  return cost.priced ? cost.micros * typicalWorker.turns : undefined;
}

/** When a fan-out asks first; an undefined threshold is off. "More than N" asks, so 0 asks for any. */
export interface PlanThresholds {
  workers?: number | undefined;
  costUsd?: number | undefined;
}

export interface SpawnRequest {
  toolCallId: string;
  title: string;
  repo: string | null;
  model: ModelRef;
  tier: "worker" | "strong";
}

function dollars(micros: number): string {
  const value = micros / 1_000_000;
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toFixed(4)}`;
}

/** The plan for these spawns if they pass a threshold, else undefined: they start at once. */
export function planFor(
  spawns: readonly SpawnRequest[],
  thresholds: PlanThresholds,
  overrides: PriceOverrides = {},
): FanOutPlan | undefined {
  if (spawns.length === 0) return undefined;
  const workers = spawns.map((spawn) => ({
    toolCallId: spawn.toolCallId,
    title: spawn.title,
    repo: spawn.repo,
    model: formatModelRef(spawn.model),
    tier: spawn.tier,
    estimateMicros: typicalWorkerMicros(spawn.model, overrides) ?? null,
  }));
  const estimateMicros = workers.reduce((sum, worker) => sum + (worker.estimateMicros ?? 0), 0);
  const priced = workers.every((worker) => worker.estimateMicros !== null);
  const reasons: string[] = [];
  if (thresholds.workers !== undefined && workers.length > thresholds.workers) {
    reasons.push(`${workers.length} workers, more than ${thresholds.workers}`);
  }
  if (thresholds.costUsd !== undefined && estimateMicros > thresholds.costUsd * 1_000_000) {
    reasons.push(`estimated ${dollars(estimateMicros)}, more than $${thresholds.costUsd}`);
  }
  if (reasons.length === 0) return undefined;
  return { workers, estimateMicros, priced, assumption: estimateAssumption, reason: reasons.join("; ") };
}

/** The plan's total as people read it: "$1.23" or "$1.23 + unpriced". */
export function planEstimateText(plan: FanOutPlan): string {
  const known = dollars(plan.estimateMicros);
  if (plan.priced) return `~${known}`;
  return plan.estimateMicros > 0 ? `~${known} + unpriced` : "unknown (unpriced models)";
}

/** One line the request's prompt carries, for surfaces that show only text. */
export function planPrompt(plan: FanOutPlan): string {
  return `Start ${plan.workers.length} workers (${planEstimateText(plan)}, ${plan.assumption})? Asked because: ${plan.reason}.`;
}

/** A spawn's result when the person cancelled the plan: nothing started. */
export function cancelledSpawnResult(decidedBy: string): string {
  return `Not started: ${decidedBy} cancelled the plan, so none of this turn's spawn_agent calls started any worker. Do not spawn them again unless the user asks; say what you would have done.`;
}

/** A spawn's result when the person asked for a change: nothing started, and their words follow. */
export function changedSpawnResult(decidedBy: string, text: string): string {
  return (
    `Not started: ${decidedBy} asked for a change to the plan before anything started, so none of this ` +
    `turn's spawn_agent calls started any worker. Make a new plan that takes their words into account ` +
    `(call spawn_agent again for each worker you still want). Their words:\n${text}`
  );
}
