import { desc, eq, sql } from "drizzle-orm";
import type { Usage } from "../../domain/messages.ts";
import type { ProviderName } from "../../domain/model.ts";
import type { Database } from "./open-database.ts";
import { usageLedger } from "./schema.ts";
import type { StepRow } from "./step-row.ts";

interface UsageRecord {
  sessionId: string;
  agentId: string;
  /** The agent's step; one turn's usage is counted once however often the step is replayed. */
  step: number;
  provider: ProviderName;
  model: string;
  usage: Usage;
  costMicros: number;
}

interface UsageTotals {
  usage: Usage;
  costMicros: number;
  /** Model turns recorded. */
  turns: number;
}

/** Records one turn's usage; returns false when this agent's step was already recorded. */
export async function recordUsage(db: Database, record: UsageRecord): Promise<boolean> {
  const inserted = await db
    .insert(usageLedger)
    .values({
      sessionId: record.sessionId,
      agentId: record.agentId,
      step: record.step,
      provider: record.provider,
      model: record.model,
      inputTokens: record.usage.inputTokens,
      outputTokens: record.usage.outputTokens,
      cacheReadTokens: record.usage.cacheReadTokens,
      cacheWriteTokens: record.usage.cacheWriteTokens,
      costMicros: Math.round(record.costMicros),
    })
    .onConflictDoNothing({ target: [usageLedger.agentId, usageLedger.step] })
    .returning({ id: usageLedger.id });
  return inserted.length > 0;
}

/** One turn's usage as a row of its step's one-statement write; counted once per agent and step. */
export function stepUsageRow(record: Omit<UsageRecord, "sessionId" | "agentId">): StepRow {
  const { usage } = record;
  return {
    kind: "usage",
    build: (step, value) =>
      sql`insert into ${usageLedger} (session_id, agent_id, step, provider, model, input_tokens, output_tokens,
          cache_read_tokens, cache_write_tokens, cost_micros)
        select ${step}.session_id, ${step}.id, ${value("step")}::integer, ${value("provider")}::text,
          ${value("model")}::text, ${value("inputTokens")}::integer, ${value("outputTokens")}::integer,
          ${value("cacheReadTokens")}::integer, ${value("cacheWriteTokens")}::integer,
          ${value("costMicros")}::integer from ${step}
        on conflict (agent_id, step) do nothing`,
    values: {
      step: record.step,
      provider: record.provider,
      model: record.model,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cacheReadTokens: usage.cacheReadTokens,
      cacheWriteTokens: usage.cacheWriteTokens,
      costMicros: Math.round(record.costMicros),
    },
  };
}

export async function sessionUsageTotals(db: Database, sessionId: string): Promise<UsageTotals> {
  const [row] = await db
    .select({
      inputTokens: sql<string>`coalesce(sum(${usageLedger.inputTokens}), 0)`,
      outputTokens: sql<string>`coalesce(sum(${usageLedger.outputTokens}), 0)`,
      cacheReadTokens: sql<string>`coalesce(sum(${usageLedger.cacheReadTokens}), 0)`,
      cacheWriteTokens: sql<string>`coalesce(sum(${usageLedger.cacheWriteTokens}), 0)`,
      costMicros: sql<string>`coalesce(sum(${usageLedger.costMicros}), 0)`,
      turns: sql<string>`count(*)`,
    })
    .from(usageLedger)
    .where(eq(usageLedger.sessionId, sessionId));
  // Sums of integers come back as bigint text from both drivers.
  return {
    usage: {
      inputTokens: Number(row?.inputTokens ?? 0),
      outputTokens: Number(row?.outputTokens ?? 0),
      cacheReadTokens: Number(row?.cacheReadTokens ?? 0),
      cacheWriteTokens: Number(row?.cacheWriteTokens ?? 0),
    },
    costMicros: Number(row?.costMicros ?? 0),
    turns: Number(row?.turns ?? 0),
  };
}

/** Every `provider:model` the session's usage was recorded for. */
export async function sessionModels(db: Database, sessionId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ provider: usageLedger.provider, model: usageLedger.model })
    .from(usageLedger)
    .where(eq(usageLedger.sessionId, sessionId));
  return rows.map((row) => `${row.provider}:${row.model}`);
}

/** The usage of an agent's newest recorded model call (turn or compaction); undefined before its first. */
export async function latestUsage(db: Database, agentId: string): Promise<Usage | undefined> {
  const [row] = await db
    .select({
      inputTokens: usageLedger.inputTokens,
      outputTokens: usageLedger.outputTokens,
      cacheReadTokens: usageLedger.cacheReadTokens,
      cacheWriteTokens: usageLedger.cacheWriteTokens,
    })
    .from(usageLedger)
    .where(eq(usageLedger.agentId, agentId))
    .orderBy(desc(usageLedger.step))
    .limit(1);
  return row;
}
