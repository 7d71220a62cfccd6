import { and, eq, getTableColumns, type Query, type SQL, sql } from "drizzle-orm";
import { PgDialect, type PgUpdateSetSource } from "drizzle-orm/pg-core";
import type { AgentPatch, StepPatch } from "./agents.ts";
import type { Database } from "./open-database.ts";
import { agents } from "./schema.ts";
import type { StepRow } from "./step-row.ts";

/** A step's write as text and placeholders: what drizzle would build for it on every call. */
interface StepWriteStatement {
  /** The statement's name on Postgres, which parses it once per connection. */
  name: string;
  query: Query;
}

// The text does not depend on the driver, so one dialect renders it for both.
const dialect = new PgDialect();
const columns = getTableColumns(agents);
const statements = new Map<string, StepWriteStatement>();
const usagePlaceholders = [
  "inputTokens",
  "outputTokens",
  "cacheReadTokens",
  "cacheWriteTokens",
  "costMicros",
];

/** The patch's columns that change: drizzle leaves an undefined value out of an update. */
function changedColumns(patch: StepPatch): (keyof AgentPatch)[] {
  const { addUsage: _addUsage, ...values } = patch;
  return (Object.keys(values) as (keyof AgentPatch)[]).filter((key) => values[key] !== undefined).sort();
}

/**
 * The step check, the message and `rows` as one `with` of data-modifying statements, built
 * once per shape (which columns the patch changes, whether it adds usage, the kinds of rows).
 */
export function stepWriteStatement(db: Database, patch: StepPatch, rows: StepRow[]): StepWriteStatement {
  const changed = changedColumns(patch);
  const key = `${changed.join(",")}|${patch.addUsage ? "usage" : ""}|${rows.map((row) => row.kind).join(",")}`;
  let statement = statements.get(key);
  if (!statement) {
    statement = {
      name: `threadwork_step_write_${statements.size}`,
      query: buildStatement(db, changed, patch, rows),
    };
    statements.set(key, statement);
  }
  return statement;
}

function buildStatement(db: Database, changed: string[], patch: StepPatch, rows: StepRow[]): Query {
  const set: Record<string, SQL> = {};
  for (const column of changed) set[column] = sql`${sql.placeholder(`patch_${column}`)}`;
  if (patch.addUsage) {
    for (const name of usagePlaceholders) {
      set[name] = sql`${columns[name as keyof typeof columns]} + ${sql.placeholder(`usage_${name}`)}`;
    }
    set.turns = sql`${agents.turns} + 1`;
  }
  const update = db
    .update(agents)
    .set({
      ...(set as PgUpdateSetSource<typeof agents>),
      step: sql`${sql.placeholder("nextStep")}`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(agents.id, sql.placeholder("agentId")), eq(agents.step, sql.placeholder("expectedStep"))))
    .returning();
  const step = sql.raw("step");
  const statement = sql`with step as (${update.getSQL()})`;
  for (const [index, row] of rows.entries()) {
    const value = (name: string) => sql.placeholder(`row${index}_${name}`);
    statement.append(sql`, ${sql.raw(`row${index}`)} as (${row.build(step, value)})`);
  }
  statement.append(sql` select * from step`);
  const { sql: text, params } = dialect.sqlToQuery(statement);
  return { sql: text, params };
}

/** The values of `stepWriteStatement`'s placeholders, mapped to the driver as drizzle maps them. */
export function stepWriteValues(
  agentId: string,
  expectedStep: number,
  patch: StepPatch,
  rows: StepRow[],
): Record<string, unknown> {
  const values: Record<string, unknown> = { agentId, expectedStep, nextStep: expectedStep + 1 };
  for (const column of changedColumns(patch)) {
    const value = patch[column];
    values[`patch_${column}`] = value === null ? null : columns[column].mapToDriverValue(value);
  }
  if (patch.addUsage) {
    const { usage, costMicros } = patch.addUsage;
    values.usage_inputTokens = usage.inputTokens;
    values.usage_outputTokens = usage.outputTokens;
    values.usage_cacheReadTokens = usage.cacheReadTokens;
    values.usage_cacheWriteTokens = usage.cacheWriteTokens;
    values.usage_costMicros = Math.round(costMicros);
  }
  for (const [index, row] of rows.entries()) {
    for (const [name, value] of Object.entries(row.values)) values[`row${index}_${name}`] = value;
  }
  return values;
}
