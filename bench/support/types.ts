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
  databases: BenchDatabaseFactory;
  /** Progress for the person watching; goes to stderr so the table stays clean. */
  progress(message: string): void;
}

export interface BenchRow {
  row: number;
  name: string;
  run(context: BenchContext): Promise<RowOutcome>;
}
