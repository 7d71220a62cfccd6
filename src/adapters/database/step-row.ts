import type { SQL } from "drizzle-orm";

/**
 * A row a step writes in the same statement as its step check: an insert that selects from
 * `step`, the agent row the check moved on. A failed check leaves `step` empty, so nothing is written.
 */
export type StepRow = (step: SQL) => SQL;
