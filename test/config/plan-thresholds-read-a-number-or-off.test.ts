import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigurationError } from "../../src/domain/errors.ts";

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigurationError");
}

describe("the plan thresholds", () => {
  it("ask for more than 3 workers by default, and never for the cost", () => {
    const limits = loadConfig({}).limits;
    expect(limits.planWorkersThreshold).toBe(3);
    expect(limits.planCostThresholdUsd).toBeUndefined();
  });

  it("read 0 as asking for any fan-out and off as never asking", () => {
    const zero = loadConfig({
      THREADWORK_PLAN_WORKERS_THRESHOLD: "0",
      THREADWORK_PLAN_COST_THRESHOLD_USD: "0",
    });
    expect(zero.limits).toMatchObject({ planWorkersThreshold: 0, planCostThresholdUsd: 0 });
    const off = loadConfig({
      THREADWORK_PLAN_WORKERS_THRESHOLD: "off",
      THREADWORK_PLAN_COST_THRESHOLD_USD: "OFF",
    });
    expect(off.limits.planWorkersThreshold).toBeUndefined();
    expect(off.limits.planCostThresholdUsd).toBeUndefined();
    expect(loadConfig({ THREADWORK_PLAN_COST_THRESHOLD_USD: "2.5" }).limits.planCostThresholdUsd).toBe(2.5);
  });

  it("refuse anything else and say what they take", () => {
    const problems = problemsOf(() =>
      loadConfig({ THREADWORK_PLAN_WORKERS_THRESHOLD: "2.5", THREADWORK_PLAN_COST_THRESHOLD_USD: "-1" }),
    );
    expect(problems.join("\n")).toContain(
      "THREADWORK_PLAN_WORKERS_THRESHOLD must be a whole number of 0 or more, or off",
    );
    expect(problems.join("\n")).toContain(
      "THREADWORK_PLAN_COST_THRESHOLD_USD must be a number of 0 or more, or off",
    );
  });
});
