import os from "node:os";
import { describeWorkload, type OverheadResult, runOverheadWorkload } from "../support/overhead-workload.ts";
import { median, round, sum } from "../support/stats.ts";
import type { BenchRow } from "../support/types.ts";

function stepsPerCpuSecond(cpuMsPerStep: number): number {
  return round(1000 / Math.max(0.001, cpuMsPerStep), 1);
}

interface ScaleSummary {
  stepsPerSecond: number;
  appCpuMsPerStep: number;
  statementsPerStep: number | undefined;
  postgresCpuMsPerStep: number | undefined;
}

function medianOf(values: (number | undefined)[]): number | undefined {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === 0 ? undefined : round(median(known), 2);
}

/** Medians over the runs of one configuration. */
function summarise(runs: OverheadResult[]): ScaleSummary {
  return {
    stepsPerSecond: medianOf(runs.map((run) => run.stepsPerSecond)) ?? 0,
    appCpuMsPerStep: medianOf(runs.map((run) => run.appCpuMsPerStep)) ?? 0,
    statementsPerStep: medianOf(runs.map((run) => run.statementsPerStep)),
    postgresCpuMsPerStep: medianOf(runs.map((run) => run.postgresCpuMsPerStep)),
  };
}

/** Statements and Postgres CPU per step, and the steps per second one Postgres core can serve. */
function postgresCapacity(one: ScaleSummary, two: ScaleSummary): string {
  const describe = (result: ScaleSummary) => {
    const statements = result.statementsPerStep === undefined ? "?" : String(result.statementsPerStep);
    const cpu = result.postgresCpuMsPerStep;
    if (cpu === undefined) return `${statements} statements per step (Postgres CPU not readable here)`;
    return `${statements} statements and ${cpu} ms of Postgres CPU per step ≈ ${round(1000 / Math.max(0.001, cpu), 0)} steps/s per Postgres core`;
  };
  return `1 process: ${describe(one)}; 2 processes: ${describe(two)}`;
}

/** Row 7: the overhead workload on one app process, then on two sharing one Postgres. */
export const scaleOutRow: BenchRow = {
  row: 7,
  name: "Scale-out",
  async run(context) {
    if (context.databases.kind !== "postgres") {
      return {
        scale: "needs Postgres (DATABASE_URL)",
        lines: [
          {
            label: "steps per app CPU-second, 2 processes / 1",
            figure: "n/a: needs Postgres",
            target: "≥ 0.9",
            met: undefined,
          },
          { label: "duplicated steps", figure: "n/a: needs Postgres", target: "0", met: undefined },
        ],
        notes: ["Two processes cannot share an embedded PGlite; run with DATABASE_URL to measure this row."],
        details: {},
      };
    }
    const workload = {
      sessions: context.quick ? 10 : 100,
      workersPerSession: 3,
      toolTurns: 10,
      modelLatencyMs: 0,
    };
    const timeoutMs = context.quick ? 90_000 : 600_000;
    const warmUpSessions = context.quick ? 3 : 10;
    // One process, then two, in turns: a single pair on shared cores varies by ±20%.
    const pairs = context.quick ? 1 : 3;
    const oneRuns: OverheadResult[] = [];
    const twoRuns: OverheadResult[] = [];
    for (let pair = 1; pair <= pairs; pair += 1) {
      for (const processes of [1, 2]) {
        context.progress(
          `${describeWorkload(workload)} on ${processes === 1 ? "one process" : "two processes"} (${pair} of ${pairs})`,
        );
        const result = await runOverheadWorkload(context, {
          workload,
          processes,
          label: `scale${processes}`,
          timeoutMs,
          warmUpSessions,
        });
        (processes === 1 ? oneRuns : twoRuns).push(result);
      }
    }
    const one = summarise(oneRuns);
    const two = summarise(twoRuns);
    const wallRatio = round(two.stepsPerSecond / one.stepsPerSecond, 2);
    const onePerCpu = stepsPerCpuSecond(one.appCpuMsPerStep);
    const twoPerCpu = stepsPerCpuSecond(two.appCpuMsPerStep);
    const cpuRatio = round(twoPerCpu / onePerCpu, 2);
    // What a second process spends on top of one process's work for the same steps: coordination.
    const coordinationShare = round(Math.max(0, 1 - one.appCpuMsPerStep / two.appCpuMsPerStep) * 100, 1);
    const duplicatedModelCalls = sum(twoRuns.map((run) => run.duplicatedModelCalls));
    const duplicatedToolRuns = sum(twoRuns.map((run) => run.duplicatedToolRuns));
    const duplicatedUsageSteps = sum(twoRuns.map((run) => run.duplicatedUsageSteps));
    const duplicates = duplicatedModelCalls + duplicatedToolRuns + duplicatedUsageSteps;
    return {
      scale: `${describeWorkload(workload)}, 0 ms model${context.quick ? " (quick: 10 sessions)" : ""}`,
      lines: [
        {
          label: "steps per app CPU-second, 2 processes / 1",
          figure: `${cpuRatio}× (${twoPerCpu} vs ${onePerCpu}; app CPU ${two.appCpuMsPerStep} vs ${one.appCpuMsPerStep} ms/step: ${coordinationShare}% spent on coordination${pairs > 1 ? `; medians of ${pairs} pairs` : ""})`,
          target: "≥ 0.9",
          met: cpuRatio >= 0.9,
        },
        {
          label: "throughput, 2 processes / 1",
          figure: `${wallRatio}× (${two.stepsPerSecond} vs ${one.stepsPerSecond} steps/s)`,
          target: "(wall clock on shared cores)",
          met: undefined,
        },
        {
          label: "duplicated steps",
          figure: `${duplicates} (model calls ${duplicatedModelCalls}, tool runs ${duplicatedToolRuns}, persisted steps ${duplicatedUsageSteps})`,
          target: "0",
          met: duplicates === 0,
        },
        {
          label: "what one Postgres carries",
          figure: postgresCapacity(one, two),
          target: "(report)",
          met: undefined,
        },
      ],
      notes: [
        `This machine has ${os.cpus().length} cores shared by both app processes, Postgres and the bench process with the fake LLM: a second process adds no CPU, so the wall-clock ratio shows contention rather than the design's ceiling. Steps per app CPU-second compares the work each process does per step instead.`,
        "Postgres CPU is that of the backends connected to the row's database, sampled from /proc every 250 ms; the WAL writer and checkpointer serve every database and are left out. Statements are counted in the app processes and include pg-boss's own; the bench's progress queries are left out (the details give statements per step by kind).",
      ],
      details: { pairs, one, two, oneRuns, twoRuns },
    };
  },
};
