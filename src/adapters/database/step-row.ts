import type { Placeholder, SQL } from "drizzle-orm";

/**
 * A row a step writes in the same statement as its step check: an insert that selects from
 * `step`, the agent row the check moved on. A failed check leaves `step` empty, so nothing is written.
 */
export interface StepRow {
  /** Rows of one kind build the same SQL, so a step's statement is built once per shape of rows. */
  kind: string;
  /** The insert, its values as placeholders named through `value`. */
  build(step: SQL, value: (name: string) => Placeholder): SQL;
  /** The placeholders' values, in the form the driver takes. */
  values: Record<string, unknown>;
}
