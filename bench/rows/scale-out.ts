import os from "node:os";
import { describeWorkload, type OverheadResult, runOverheadWorkload } from "../support/overhead-workload.ts";
import { round } from "../support/stats.ts";
import type { BenchRow } from "../support/types.ts";

function stepsPerCpuSecond(cpuMsPerStep: number): number {
  return round(1000 / Math.max(0.001, cpuMsPerStep), 1);
}

/** Statements and Postgres CPU per step, and the steps per second one Postgres core can serve. */
function postgresCapacity(one: OverheadResult, two: OverheadResult): string {
  const describe = (result: OverheadResult) => {
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
    context.progress(`${describeWorkload(workload)} on one process`);
    const warmUpSessions = context.quick ? 3 : 10;
    const one = await runOverheadWorkload(context, {
      workload,
      processes: 1,
      label: "scale1",
      timeoutMs,
      warmUpSessions,
    });
    context.progress(`${describeWorkload(workload)} on two processes`);
    const two = await runOverheadWorkload(context, {
      workload,
      processes: 2,
      label: "scale2",
      timeoutMs,
      warmUpSessions,
    });
    const wallRatio = round(two.stepsPerSecond / one.stepsPerSecond, 2);
    const onePerCpu = stepsPerCpuSecond(one.appCpuMsPerStep);
    const twoPerCpu = stepsPerCpuSecond(two.appCpuMsPerStep);
    const cpuRatio = round(twoPerCpu / onePerCpu, 2);
    // What a second process spends on top of one process's work for the same steps: coordination.
    const coordinationShare = round(Math.max(0, 1 - one.appCpuMsPerStep / two.appCpuMsPerStep) * 100, 1);
    const duplicates = two.duplicatedModelCalls + two.duplicatedToolRuns + two.duplicatedUsageSteps;
    return {
      scale: `${describeWorkload(workload)}, 0 ms model${context.quick ? " (quick: 10 sessions)" : ""}`,
      lines: [
        {
          label: "steps per app CPU-second, 2 processes / 1",
          figure: `${cpuRatio}× (${twoPerCpu} vs ${onePerCpu}; app CPU ${two.appCpuMsPerStep} vs ${one.appCpuMsPerStep} ms/step: ${coordinationShare}% spent on coordination)`,
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
          figure: `${duplicates} (model calls ${two.duplicatedModelCalls}, tool runs ${two.duplicatedToolRuns}, persisted steps ${two.duplicatedUsageSteps})`,
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
        "Postgres CPU is that of the backends connected to the row's database, sampled from /proc every 250 ms; the WAL writer and checkpointer serve every database and are left out. Statements are counted in the app processes and include pg-boss's own and the bench's progress queries.",
      ],
      details: { one, two },
    };
  },
};
