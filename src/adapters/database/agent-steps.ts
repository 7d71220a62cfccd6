import { and, eq, sql } from "drizzle-orm";
import type { PreparedQueryConfig } from "drizzle-orm/pg-core";
import { StepConflictError } from "../../domain/errors.ts";
import type { ChatMessage } from "../../domain/messages.ts";
import { type AgentPatch, type AgentRow, advanceAgentStep, type StepPatch } from "./agents.ts";
import type { Database, RowsResult } from "./open-database.ts";
import { rowFromRaw } from "./raw-row.ts";
import { agents } from "./schema.ts";
import type { StepRow } from "./step-row.ts";
import { stepWriteStatement, stepWriteValues } from "./step-write-statement.ts";
import { appendTranscriptMessage, stepMessageRow } from "./transcript.ts";

/**
 * Writes one step: moves `agents.step` on from `expectedStep` (or throws
 * StepConflictError and writes nothing), applies `patch` (with a model turn's usage), then runs `write` in the
 * same transaction.
 */
export async function persistStep<T>(
  db: Database,
  agentId: string,
  expectedStep: number,
  patch: StepPatch,
  write: (transaction: Database, agent: AgentRow) => Promise<T>,
): Promise<{ agent: AgentRow; value: T }> {
  return db.transaction(async (transaction) => {
    const agent = await advanceAgentStep(transaction, agentId, expectedStep, patch);
    const value = await write(transaction, agent);
    return { agent, value };
  });
}

/**
 * `persistStep` in one statement, without a transaction's round trips: the step check, the
 * message at `seq` and `rows`, as one `with` of data-modifying statements, prepared once per
 * shape of write (a named statement on Postgres). Postgres runs one statement atomically, so a failed check (no row moved) or a taken seq (a unique violation)
 * writes nothing and throws StepConflictError, as `persistStep` does.
 */
export async function writeStep(
  db: Database,
  agentId: string,
  expectedStep: number,
  patch: StepPatch,
  message: { seq: number; message: ChatMessage },
  rows: StepRow[] = [],
): Promise<AgentRow> {
  const stepRows = [stepMessageRow(message.seq, message.message), ...rows];
  const { name, query } = stepWriteStatement(db, patch, stepRows);
  const prepared = db._.session.prepareQuery<
    PreparedQueryConfig & { execute: RowsResult<Record<string, unknown>> }
  >(query, undefined, name, false);
  let written: Record<string, unknown> | undefined;
  try {
    [written] = (await prepared.execute(stepWriteValues(agentId, expectedStep, patch, stepRows))).rows;
  } catch (error) {
    if (isTakenSeq(error)) throw new StepConflictError(agentId, expectedStep);
    throw error;
  }
  if (!written) throw new StepConflictError(agentId, expectedStep);
  return rowFromRaw(agents, written);
}

/** A unique violation on the transcript's (agent, seq): another runner stored this step's message. */
function isTakenSeq(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const { code, constraint } = cause as Error & { code?: unknown; constraint?: unknown };
    if (code === "23505") return constraint === undefined || constraint === "transcript_messages_agent_seq";
  }
  return false;
}

/**
 * Inside `persistStep`: stores the step's message at `seq`, the seq after the transcript
 * the runner planned from. Taken means another runner wrote first: the step rolls back.
 */
export async function appendStepMessage(
  transaction: Database,
  agent: Pick<AgentRow, "id" | "step">,
  seq: number,
  message: ChatMessage,
): Promise<void> {
  const { appended } = await appendTranscriptMessage(transaction, agent.id, seq, message);
  if (!appended) throw new StepConflictError(agent.id, agent.step - 1);
}

/**
 * Changes an agent without ending its step (waiting, queued, idle, progress, workspace),
 * only while it is still at `expectedStep`; undefined when another runner moved it.
 */
export async function updateAgentAtStep(
  db: Database,
  id: string,
  expectedStep: number,
  patch: AgentPatch,
): Promise<AgentRow | undefined> {
  const [row] = await db
    .update(agents)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(and(eq(agents.id, id), eq(agents.step, expectedStep)))
    .returning();
  return row;
}
