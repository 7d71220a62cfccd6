import { and, eq, sql } from "drizzle-orm";
import { StepConflictError } from "../../domain/errors.ts";
import type { ChatMessage } from "../../domain/messages.ts";
import { type AgentPatch, type AgentRow, advanceAgentStep, type StepPatch } from "./agents.ts";
import type { Database } from "./open-database.ts";
import { agents } from "./schema.ts";
import { appendTranscriptMessage } from "./transcript.ts";

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
