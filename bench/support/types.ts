import type { BenchDatabaseFactory } from "./databases.ts";

/** One line of the printed table. `met` is undefined when the line has no target or could not run. */
export interface RowLine {
  label: string;
  figure: string;
  target: string;
  met: boolean | undefined;
}

export interface RowOutcome {
  /** How the workload was scaled, e.g. "200 sessions × 3 sub-agents × 10 tool turns". */
  scale: string;
  lines: RowLine[];
  /** Why a figure is what it is: limits, gaps, caveats. */
  notes: string[];
  /** Raw numbers for the JSON result. */
  details: Record<string, unknown>;
}

export interface RowResult extends RowOutcome {
  row: number;
  name: string;
  seconds: number;
  /** 1, 5 and 15-minute load averages when the row ended: other work on the machine skews timings. */
  loadAverage: number[];
  error?: string;
}

export interface BenchContext {
  quick: boolean;
  /** Quick runs on PGlite keep the app in the bench process unless this is set (`--app-process`). */
  appProcess?: boolean;
  databases: BenchDatabaseFactory;
  /** Progress for the person watching; goes to stderr so the table stays clean. Counts as progress for the watchdog. */
  progress(message: string): void;
  /**
   * Adds a probe for the row's watchdog: a snapshot of what the row waits on (steps, busy agents,
   * acks). The row is aborted when no probe's snapshot and no progress message changed for the
   * stall window; the snapshots are printed as what was pending. Returns a function that removes it.
   */
  watch(probe: () => Promise<string> | string): () => void;
  /** Runs when the watchdog aborts the row, to free what the row holds (e.g. kill an app process). */
  onAbort(cleanup: () => Promise<void> | void): void;
}

export interface BenchRow {
  row: number;
  name: string;
  run(context: BenchContext): Promise<RowOutcome>;
}
