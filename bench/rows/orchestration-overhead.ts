import {
  describeWorkload,
  type OverheadResult,
  type OverheadWorkload,
  runOverheadWorkload,
} from "../support/overhead-workload.ts";
import type { BenchRow, RowLine } from "../support/types.ts";

/** Issue 14's targets: one session alone measures a step's cost, all at once the throughput. */
function target(alone: boolean, result: OverheadResult): { text: string; met: boolean } {
  const cpuMet = result.appCpuMsPerStep <= 1.5;
  if (alone) return { text: "p50 ≤ 3 ms, ≤ 1.5 ms CPU", met: result.overheadP50Ms <= 3 && cpuMet };
  return { text: "≥ 600 steps/s, ≤ 1.5 ms CPU", met: result.stepsPerSecond >= 600 && cpuMet };
}

function line(label: string, result: OverheadResult, postgres: boolean, alone: boolean): RowLine {
  const { text, met } = target(alone, result);
  return {
    label,
    figure: `p50 ${result.overheadP50Ms} ms, p99 ${result.overheadP99Ms} ms; ${result.stepsPerSecond} steps/s (${result.steps} steps in ${(result.wallMs / 1000).toFixed(1)} s); app CPU ${result.appCpuMsPerStep} ms/step; event loop blocked up to ${result.eventLoopDelayMaxMs} ms`,
    target: postgres ? text : `${text} (on Postgres)`,
    met,
  };
}

/** Row 2: what the runtime adds to every step, with an instant model and with a 1 s one. */
export const orchestrationOverheadRow: BenchRow = {
  row: 2,
  name: "Orchestration overhead",
  async run(context) {
    const sessions = context.quick ? 5 : 200;
    const toolTurns = context.quick ? 3 : 10;
    const runs: { label: string; workload: OverheadWorkload; warmUpSessions?: number }[] = [
      {
        label: "all at once, 0 ms model",
        workload: { sessions, workersPerSession: 3, toolTurns, modelLatencyMs: 0 },
      },
      {
        label: "all at once, 1 s model",
        workload: { sessions, workersPerSession: 3, toolTurns, modelLatencyMs: 1000 },
      },
      {
        label: "one session alone, 0 ms model",
        workload: { sessions: 1, workersPerSession: 3, toolTurns: 10, modelLatencyMs: 0 },
        // Measured after a few sessions, so the figure is a step's cost and not V8 compiling the code.
        warmUpSessions: context.quick ? 2 : 5,
      },
    ];
    const results: OverheadResult[] = [];
    for (const [index, run] of runs.entries()) {
      context.progress(`${describeWorkload(run.workload)}, model latency ${run.workload.modelLatencyMs} ms`);
      results.push(
        await runOverheadWorkload(context, {
          workload: run.workload,
          processes: 1,
          label: `overhead${index}`,
          timeoutMs: context.quick ? 90_000 : 600_000,
          ...(run.warmUpSessions ? { warmUpSessions: run.warmUpSessions } : {}),
        }),
      );
    }
    const postgres = context.databases.kind === "postgres";
    return {
      scale: `${describeWorkload({ sessions, workersPerSession: 3, toolTurns, modelLatencyMs: 0 })}, one app process${context.quick ? " (quick: 5 sessions × 3 tool turns instead of 200 × 10)" : ""}; then 1 session × 3 × 10 alone, after ${context.quick ? 2 : 5} sessions to warm up`,
      lines: results.map((result, index) =>
        line(runs[index]?.label ?? "", result, postgres, runs[index]?.workload.sessions === 1),
      ),
      notes: [
        "Overhead per step = time between one external call of a sub-agent (model call or tool run) ending and its next one starting: persisting one step and loading and planning the next. Measured from outside the runtime: a wrapper around the provider and the bench tool's own timing.",
        "With every session started at once the figure is mostly queueing: hundreds of sub-agents share one event loop, a pool of 10 database connections and the CPU, so each waits for the others' steps. One session alone shows the cost of a step without that queue. App CPU per step is the app process's own CPU time divided by the steps it persisted.",
        "The fake LLM (with its prompt-cache simulation) and Postgres run on the same cores as the app.",
        ...(postgres
          ? []
          : ["PGlite runs in the app process and serialises every query; the target is set for Postgres."]),
      ],
      details: { runs: results },
    };
  },
};
