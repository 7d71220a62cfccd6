import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load-config.ts";
import { shutdownPlan } from "../src/domain/shutdown-plan.ts";

const root = path.resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

function seconds(text: string | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(text ?? "");
  if (!match) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * (match[2] === "m" ? 60 : 1);
}

describe("the shutdown budget", () => {
  it("ends before Fly's kill timeout, with a margin for the process to exit, everywhere it is set", () => {
    const fly = read("fly.toml");
    const killTimeout = seconds(/^kill_timeout = "([^"]+)"$/m.exec(fly)?.[1]);
    const flyBudget = Number(/^\s*THREADWORK_SHUTDOWN_SECONDS = "([^"]+)"$/m.exec(fly)?.[1]);
    const exampleBudget = Number(/^THREADWORK_SHUTDOWN_SECONDS=(.*)$/m.exec(read(".env.example"))?.[1]);
    const defaultBudget = loadConfig({}).shutdownSeconds;

    expect(/^kill_signal = "SIGTERM"$/m.test(fly)).toBe(true);
    expect(flyBudget).toBe(defaultBudget);
    expect(exampleBudget).toBe(defaultBudget);
    // Node's own exit, and the platform's clock starting a little before ours.
    expect(defaultBudget + 3).toBeLessThanOrEqual(killTimeout);
  });

  it("is read from THREADWORK_SHUTDOWN_SECONDS and refuses what is not a positive number", () => {
    expect(loadConfig({ THREADWORK_SHUTDOWN_SECONDS: "8" }).shutdownSeconds).toBe(8);
    expect(() => loadConfig({ THREADWORK_SHUTDOWN_SECONDS: "soon" })).toThrow(/THREADWORK_SHUTDOWN_SECONDS/);
    expect(() => loadConfig({ THREADWORK_SHUTDOWN_SECONDS: "0" })).toThrow(/THREADWORK_SHUTDOWN_SECONDS/);
  });

  it("orders the phases inside the budget and leaves time to interrupt, flush Slack and close", () => {
    for (const budgetMs of [2000, 8000, 25_000, 120_000]) {
      const plan = shutdownPlan(1000, budgetMs);
      expect(plan.receivingBy).toBeGreaterThan(1000);
      expect(plan.receivingBy).toBeLessThanOrEqual(plan.drainBy);
      expect(plan.drainBy).toBeLessThan(plan.abortedBy);
      expect(plan.abortedBy).toBeLessThan(plan.flushBy);
      expect(plan.flushBy).toBeLessThan(plan.exitBy);
      expect(plan.exitBy).toBe(1000 + budgetMs);
    }
    // The default budget: steps get 17 s, Slack 5 s, the database 2 s.
    expect(shutdownPlan(0, 25_000)).toEqual({
      receivingBy: 2000,
      drainBy: 17_000,
      abortedBy: 18_000,
      flushBy: 23_000,
      exitBy: 25_000,
    });
  });
});
