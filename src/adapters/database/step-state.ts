import { eq, sql } from "drizzle-orm";
import type { AgentRow } from "./agents.ts";
import type { EventRow } from "./events.ts";
import type { Database } from "./open-database.ts";
import { preparedPerDatabase } from "./prepared.ts";
import { rowFromRaw } from "./raw-row.ts";
import { agents, events } from "./schema.ts";
import { type TranscriptEntry, validatedEntries, wholeTranscript } from "./transcript.ts";

/** What a step is planned from, read in one statement. */
interface StepState {
  agent: AgentRow;
  /** The agent's unread input, oldest first. */
  events: EventRow[];
  /** The transcript's messages after the seq asked for, in order and validated. */
  transcript: TranscriptEntry[];
  /** Whether the agent's session has a budget to check before a model turn. */
  budgeted: boolean;
  /** `involvesHumans`: the agent asked people before, or its session has a request pending. */
  involvesHumans: boolean;
}

function jsonArray(value: unknown): Record<string, unknown>[] {
  const array = typeof value === "string" ? JSON.parse(value) : value;
  return Array.isArray(array) ? array : [];
}

// Raw column names: drizzle leaves them unqualified in a one-table select, and inside the
// subqueries an unqualified `id` would be the subquery table's own.
const stepStateById = preparedPerDatabase((db) =>
  db
    .select({
      agent: agents,
      budgeted: sql<boolean>`exists (select 1 from sessions
        where sessions.id = agents.session_id
          and (sessions.budget_micros is not null or sessions.budget_tokens is not null))`,
      involvesHumans: sql<boolean>`exists (select 1 from requests
        where requests.agent_id = agents.id
          or (requests.session_id = agents.session_id and requests.status = 'pending'))`,
      events: sql<unknown>`(select coalesce(json_agg(row_to_json(events) order by events.id), '[]')
        from events where events.target_agent_id = agents.id and events.consumed_at is null)`,
      transcript: sql<unknown>`(select coalesce(json_agg(json_build_object(
          'seq', transcript_messages.seq, 'role', transcript_messages.role, 'parts', transcript_messages.parts)
          order by transcript_messages.seq), '[]')
        from transcript_messages
        where transcript_messages.agent_id = agents.id
          and transcript_messages.seq > ${sql.placeholder("afterSeq")}::integer)`,
    })
    .from(agents)
    .where(eq(agents.id, sql.placeholder("agentId")))
    .prepare("threadwork_step_state"),
);

/**
 * The agent row, its mailbox, its transcript after `afterSeq` (all of it when undefined), and
 * what a model turn checks first: one round trip where the three reads took three connections.
 * Undefined when the agent does not exist.
 */
export async function loadStepState(
  db: Database,
  agentId: string,
  afterSeq: number | undefined,
): Promise<StepState | undefined> {
  const [row] = await stepStateById(db).execute({ agentId, afterSeq: afterSeq ?? wholeTranscript });
  if (!row) return undefined;
  return {
    agent: row.agent,
    events: jsonArray(row.events).map((raw) => rowFromRaw(events, raw)),
    transcript: validatedEntries(
      agentId,
      jsonArray(row.transcript).map((raw) => ({ seq: Number(raw.seq), role: raw.role, parts: raw.parts })),
    ),
    budgeted: row.budgeted,
    involvesHumans: row.involvesHumans,
  };
}
