import { describe, expect, it } from "vitest";
import {
  cancelledSpawnResult,
  changedSpawnResult,
  planEstimateText,
  planFor,
  type SpawnRequest,
  typicalWorkerMicros,
} from "../../src/domain/fan-out-plan.ts";

const haiku = { provider: "anthropic", model: "claude-haiku-4-5" } as const;
const opus = { provider: "anthropic", model: "claude-opus-4-1" } as const;
const unpriced = { provider: "openai", model: "local-llama" } as const;

function spawns(count: number, model: SpawnRequest["model"] = haiku): SpawnRequest[] {
  return Array.from({ length: count }, (_, index) => ({
    toolCallId: `call_${index}`,
    title: `Part ${index + 1}`,
    repo: index === 0 ? "app" : null,
    model,
    tier: "worker" as const,
  }));
}

describe("a fan-out plan", () => {
  it("prices a typical worker from the model's price: 25 turns of 30k prompt (90% cached) and 1k output", () => {
    // Haiku 4.5: input $1, cache read $0.10, output $5 per million tokens.
    // Per turn: 3,000 × 1 + 27,000 × 0.1 + 1,000 × 5 = 10,700 micro-dollars; × 25 turns.
    expect(typicalWorkerMicros(haiku)).toBe(267_500);
    expect(typicalWorkerMicros(unpriced)).toBeUndefined();
  });

  it("asks only for more workers than the threshold; 0 asks for any and an unset threshold never", () => {
    expect(planFor(spawns(3), { workers: 3 })).toBeUndefined();
    expect(planFor(spawns(4), { workers: 3 })?.reason).toBe("4 workers, more than 3");
    expect(planFor(spawns(1), { workers: 0 })?.workers).toHaveLength(1);
    expect(planFor(spawns(40), {})).toBeUndefined();
    expect(planFor([], { workers: 0 })).toBeUndefined();
  });

  it("asks when the estimate is above the cost threshold, and leaves unpriced models out of the sum", () => {
    // Opus 4.1 is priced at 15 times haiku's input: about $4 a worker.
    const plan = planFor(spawns(2, opus), { costUsd: 5 });
    expect(plan?.reason).toMatch(/^estimated \$8\.\d\d, more than \$5$/);
    expect(planFor(spawns(1, opus), { costUsd: 5 })).toBeUndefined();
    const mixed = planFor([...spawns(1, haiku), ...spawns(1, unpriced)], { workers: 1 });
    expect(mixed?.priced).toBe(false);
    expect(mixed && planEstimateText(mixed)).toBe("~$0.2675 + unpriced");
    expect(planFor(spawns(2, unpriced), { costUsd: 0 })).toBeUndefined();
  });

  it("says it is an estimate and what it assumes", () => {
    const plan = planFor(spawns(4), { workers: 3 });
    expect(plan?.assumption).toContain("an estimate: 25 model turns per worker");
    expect(plan?.workers[0]).toMatchObject({
      title: "Part 1",
      repo: "app",
      model: "anthropic:claude-haiku-4-5",
    });
    expect(plan && planEstimateText(plan)).toBe("~$1.07");
  });

  it("tells the supervisor why nothing started, with the person's words after a change", () => {
    expect(cancelledSpawnResult("U0OWNER")).toContain("U0OWNER cancelled the plan");
    const changed = changedSpawnResult("U0OWNER", "Only two, please");
    expect(changed).toContain("asked for a change");
    expect(changed.endsWith("Their words:\nOnly two, please")).toBe(true);
  });
});
