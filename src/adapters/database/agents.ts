import { randomUUID } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import type { AgentRole, AgentStatus } from "../../domain/agents.ts";
import { StepConflictError } from "../../domain/errors.ts";
import type { Usage } from "../../domain/messages.ts";
import type { Database } from "./open-database.ts";
import { preparedPerDatabase } from "./prepared.ts";
import { agents } from "./schema.ts";
import { StorageError } from "./storage-error.ts";

export type AgentRow = typeof agents.$inferSelect;

interface NewAgent {
  /** Defaults to a random UUID. */
  id?: string;
  sessionId: string;
  parentId?: string | null;
  role: AgentRole;
  title: string;
  brief?: string;
  /** Written `provider:model`. */
  model: string;
  tier?: string;
  repo?: string | null;
  status: AgentStatus;
  deadlineAt?: Date | null;
}

export type AgentPatch = Partial<
  Pick<
    AgentRow,
    | "title"
    | "brief"
    | "model"
    | "tier"
    | "repo"
    | "status"
    | "statusReason"
    | "latestProgress"
    | "result"
    | "turns"
    | "wakeSeq"
    | "leaseOwner"
    | "leaseExpiresAt"
    | "deadlineAt"
    | "workspace"
    | "startedAt"
    | "finishedAt"
  >
>;

export async function insertAgent(db: Database, input: NewAgent): Promise<AgentRow> {
  const [row] = await db
    .insert(agents)
    .values({ ...input, id: input.id ?? randomUUID() })
    .returning();
  if (!row) throw new StorageError("insert into agents returned no row");
  return row;
}

const agentById = preparedPerDatabase((db) =>
  db
    .select()
    .from(agents)
    .where(eq(agents.id, sql.placeholder("id")))
    .prepare("threadwork_agent_by_id"),
);

export async function getAgent(db: Database, id: string): Promise<AgentRow | undefined> {
  const [row] = await agentById(db).execute({ id });
  return row;
}

/** Oldest first, so the supervisor comes before the workers it started. */
export async function listAgentsForSession(db: Database, sessionId: string): Promise<AgentRow[]> {
  return db
    .select()
    .from(agents)
    .where(eq(agents.sessionId, sessionId))
    .orderBy(asc(agents.createdAt), asc(agents.id));
}

/** The session's supervisor (the first one, should a race ever have made two). */
export async function findSupervisor(db: Database, sessionId: string): Promise<AgentRow | undefined> {
  const [row] = await db
    .select()
    .from(agents)
    .where(and(eq(agents.sessionId, sessionId), eq(agents.role, "supervisor")))
    .orderBy(asc(agents.createdAt), asc(agents.id))
    .limit(1);
  return row;
}

/**
 * Changes an agent outside a step, e.g. a cancel or new input. It moves `step` on, so a
 * runner in flight cannot write over the change: its next write conflicts.
 */
export async function updateAgent(
  db: Database,
  id: string,
  patch: AgentPatch,
): Promise<AgentRow | undefined> {
  const [row] = await db
    .update(agents)
    .set({ ...patch, step: sql`${agents.step} + 1`, updatedAt: sql`now()` })
    .where(eq(agents.id, id))
    .returning();
  return row;
}

/** What a step may change on its agent row: the patch, plus a model turn's usage to add. */
export type StepPatch = AgentPatch & { addUsage?: { usage: Usage; costMicros: number } };

/**
 * Persists one step: applies `patch` and moves `step` from `expectedStep` to the next,
 * only if no other runner moved it first; otherwise throws `StepConflictError`.
 */
export async function advanceAgentStep(
  db: Database,
  id: string,
  expectedStep: number,
  patch: StepPatch = {},
): Promise<AgentRow> {
  const [row] = await agentStepUpdate(db, id, expectedStep, patch);
  if (!row) throw new StepConflictError(id, expectedStep);
  return row;
}

/** The step check as a statement not yet run: the agent row when it was still at `expectedStep`. */
function agentStepUpdate(db: Database, id: string, expectedStep: number, patch: StepPatch = {}) {
  const { addUsage, ...values } = patch;
  return db
    .update(agents)
    .set({
      ...values,
      ...(addUsage ? usageIncrements(addUsage.usage, addUsage.costMicros) : {}),
      step: expectedStep + 1,
      updatedAt: sql`now()`,
    })
    .where(and(eq(agents.id, id), eq(agents.step, expectedStep)))
    .returning();
}

function usageIncrements(usage: Usage, costMicros: number) {
  return {
    inputTokens: sql`${agents.inputTokens} + ${usage.inputTokens}`,
    outputTokens: sql`${agents.outputTokens} + ${usage.outputTokens}`,
    cacheReadTokens: sql`${agents.cacheReadTokens} + ${usage.cacheReadTokens}`,
    cacheWriteTokens: sql`${agents.cacheWriteTokens} + ${usage.cacheWriteTokens}`,
    costMicros: sql`${agents.costMicros} + ${Math.round(costMicros)}`,
    turns: sql`${agents.turns} + 1`,
  };
}

/** Adds one model turn's tokens and cost to the agent's totals, and counts the turn. */
export async function addAgentUsage(
  db: Database,
  id: string,
  usage: Usage,
  costMicros: number,
): Promise<AgentRow | undefined> {
  const [row] = await db
    .update(agents)
    .set({ ...usageIncrements(usage, costMicros), updatedAt: sql`now()` })
    .where(eq(agents.id, id))
    .returning();
  return row;
}
