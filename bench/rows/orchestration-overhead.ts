import { describeWorkload, type OverheadResult, runOverheadWorkload } from "../support/overhead-workload.ts";
import type { BenchRow, RowLine } from "../support/types.ts";

function line(result: OverheadResult, postgres: boolean): RowLine {
  const latency =
    result.workload.modelLatencyMs === 0 ? "0 ms" : `${result.workload.modelLatencyMs / 1000} s`;
  return {
    label: `overhead per step, ${latency} model`,
    figure: `p50 ${result.overheadP50Ms} ms, p99 ${result.overheadP99Ms} ms; ${result.stepsPerSecond} steps/s (${result.steps} steps in ${(result.wallMs / 1000).toFixed(1)} s)`,
    target: postgres ? "p50 ≤ 5 ms" : "p50 ≤ 5 ms (target is on Postgres)",
    met: result.overheadP50Ms <= 5,
  };
}

/** Row 2: what the runtime adds to every step, with an instant model and with a 1 s one. */
export const orchestrationOverheadRow: BenchRow = {
  row: 2,
  name: "Orchestration overhead",
  async run(context) {
    const sessions = context.quick ? 5 : 200;
    const toolTurns = context.quick ? 3 : 10;
    const results: OverheadResult[] = [];
    for (const modelLatencyMs of [0, 1000]) {
      const workload = { sessions, workersPerSession: 3, toolTurns, modelLatencyMs };
      context.progress(`${describeWorkload(workload)}, model latency ${modelLatencyMs} ms`);
      results.push(
        await runOverheadWorkload(context, {
          workload,
          processes: 1,
          label: `overhead${modelLatencyMs}`,
          timeoutMs: context.quick ? 90_000 : 600_000,
        }),
      );
    }
    const postgres = context.databases.kind === "postgres";
    return {
      scale: `${describeWorkload({ sessions, workersPerSession: 3, toolTurns, modelLatencyMs: 0 })}, one app process${context.quick ? " (quick: 5 sessions × 3 tool turns instead of 200 × 10)" : ""}`,
      lines: results.map((result) => line(result, postgres)),
      notes: [
        "Overhead per step = time between one external call of a sub-agent (model call or tool run) ending and its next one starting: persisting one step and loading and planning the next. Measured from outside the runtime: a wrapper around the provider and the bench tool's own timing.",
        "All sub-agents run at once, so the figure includes queueing for the database pool (10 connections) and for the CPU; the fake LLM runs in the bench process on the same 2 cores.",
        ...(postgres
          ? []
          : ["PGlite runs in the app process and serialises every query; the target is set for Postgres."]),
      ],
      details: { runs: results },
    };
  },
};
