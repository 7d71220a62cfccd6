import { describeWorkload, runOverheadWorkload } from "../support/overhead-workload.ts";
import { mebibytes, round } from "../support/stats.ts";
import type { BenchRow } from "../support/types.ts";

const gibibyte = 1024 ** 3;

/** Row 3: many sub-agents waiting on a slow model at once, and what they cost in memory. */
export const concurrencyMemoryRow: BenchRow = {
  row: 3,
  name: "Concurrency and memory",
  async run(context) {
    const agentsWanted = context.quick ? 50 : 500;
    const workload = {
      sessions: agentsWanted / 5,
      workersPerSession: 5,
      toolTurns: context.quick ? 2 : 4,
      modelLatencyMs: 2000,
    };
    context.progress(`${describeWorkload(workload)}, every model call takes 2 s`);
    const result = await runOverheadWorkload(context, {
      workload,
      processes: 1,
      label: "memory",
      timeoutMs: context.quick ? 90_000 : 300_000,
    });
    const baseline = result.baselineRssBytes[0] ?? 0;
    const peak = Math.max(result.peakRssBytes[0] ?? 0, result.highWaterRssBytes[0] ?? 0);
    const perAgent = (peak - baseline) / Math.max(1, result.peakAliveWorkers);
    const startup = result.startupHighWaterRssBytes[0];
    const pglite = context.databases.kind === "pglite";
    return {
      scale: `${describeWorkload(workload)} = ${agentsWanted} sub-agents plus ${workload.sessions} supervisors${context.quick ? " (quick: 50 instead of 500, 2 tool turns)" : ""}`,
      lines: [
        {
          label: "sub-agents at once",
          figure: `${result.peakAliveWorkers} of ${agentsWanted} alive; at most ${result.peakConcurrentWorkerCalls} inside a model call`,
          target: `${agentsWanted}`,
          met: result.peakAliveWorkers >= agentsWanted,
        },
        {
          label: "peak RSS of the app process",
          figure: `${mebibytes(peak)} MiB (idle ${mebibytes(baseline)} MiB; +${round(perAgent / 1024, 0)} KiB per live sub-agent)`,
          target: "≤ 1 GiB in all",
          met: peak <= gibibyte,
        },
        {
          label: "peak RSS while the app started",
          figure: startup === undefined ? "n/a (no /proc)" : `${mebibytes(startup)} MiB`,
          // In the bench process the peak is the bench's: the shared PGlite's initdb, the fakes, earlier rows.
          target: result.inProcess ? "(bench process; use --app-process)" : "≤ 1 GiB in all",
          met: startup === undefined || result.inProcess ? undefined : startup <= gibibyte,
        },
      ],
      notes: [
        result.inProcess
          ? "Peak RSS is the larger of 25 ms sampling and the kernel's VmHWM, for the whole bench process."
          : "Peak RSS is the larger of 25 ms sampling and the kernel's VmHWM, for the app process alone (runtime, database client, SDK); the fake LLM runs in the bench process.",
        "VmHWM is reset once the app has started (/proc/self/clear_refs), so the workload's peak and the start-up's peak (opening the database, migrations, the runtime) are reported apart; per live sub-agent is the workload's peak over the idle RSS.",
        ...(pglite
          ? ["With PGlite the database itself lives in the app process and is part of its RSS."]
          : []),
        ...(result.inProcess
          ? [
              "Quick run on PGlite: the app shares the bench process, so this RSS also holds the fakes and earlier rows.",
            ]
          : []),
      ],
      details: { ...result },
    };
  },
};
