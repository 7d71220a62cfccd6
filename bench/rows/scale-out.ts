import os from "node:os";
import { describeWorkload, runOverheadWorkload } from "../support/overhead-workload.ts";
import { round } from "../support/stats.ts";
import type { BenchRow } from "../support/types.ts";

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
            label: "throughput, 2 processes / 1",
            figure: "n/a: needs Postgres",
            target: "≥ 1.7",
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
    const one = await runOverheadWorkload(context, { workload, processes: 1, label: "scale1", timeoutMs });
    context.progress(`${describeWorkload(workload)} on two processes`);
    const two = await runOverheadWorkload(context, { workload, processes: 2, label: "scale2", timeoutMs });
    const ratio = round(two.stepsPerSecond / one.stepsPerSecond, 2);
    const duplicates = two.duplicatedModelCalls + two.duplicatedToolRuns + two.duplicatedUsageSteps;
    return {
      scale: `${describeWorkload(workload)}, 0 ms model${context.quick ? " (quick: 10 sessions)" : ""}`,
      lines: [
        {
          label: "throughput, 2 processes / 1",
          figure: `${ratio}× (${two.stepsPerSecond} vs ${one.stepsPerSecond} steps/s)`,
          target: "≥ 1.7",
          met: ratio >= 1.7,
        },
        {
          label: "duplicated steps",
          figure: `${duplicates} (model calls ${two.duplicatedModelCalls}, tool runs ${two.duplicatedToolRuns}, persisted steps ${two.duplicatedUsageSteps})`,
          target: "0",
          met: duplicates === 0,
        },
      ],
      notes: [
        `This machine has ${os.cpus().length} cores shared by both app processes, Postgres and the bench process with the fake LLM: a second process adds no CPU, so the ratio shows contention rather than the design's ceiling.`,
      ],
      details: { one, two },
    };
  },
};
