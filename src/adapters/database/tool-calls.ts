import { and, count, eq, isNull, like, sql } from "drizzle-orm";
import type { ToolCallStatus, ToolRisk } from "../../domain/tool.ts";
import { redactSecrets, redactValue } from "../../logger.ts";
import type { Database } from "./open-database.ts";
import { preparedPerDatabase } from "./prepared.ts";
import { toolCalls } from "./schema.ts";
import type { StepRow } from "./step-row.ts";
import { StorageError } from "./storage-error.ts";

export type ToolCallRow = typeof toolCalls.$inferSelect;

interface NewToolCall {
  agentId: string;
  toolCallId: string;
  sessionId: string;
  toolName: string;
  input: unknown;
  risk: ToolRisk;
}

interface ToolCallFinish {
  status: Exclude<ToolCallStatus, "started">;
  output: string | null;
  isError: boolean;
}

// Written before every tool runs: built once per database handle, not on every call.
const toolCallStart = preparedPerDatabase((db) =>
  db
    .insert(toolCalls)
    .values({
      agentId: sql.placeholder("agentId"),
      toolCallId: sql.placeholder("toolCallId"),
      sessionId: sql.placeholder("sessionId"),
      toolName: sql.placeholder("toolName"),
      input: sql.placeholder("input"),
      risk: sql.placeholder("risk"),
      status: "started",
    })
    .onConflictDoNothing()
    .returning()
    .prepare("threadwork_tool_call_start"),
);

/**
 * Records that a tool call starts. `started: false` means a row already existed: the
 * call ran (or was interrupted) before, and must not run again.
 */
export async function startToolCall(
  db: Database,
  input: NewToolCall,
): Promise<{ started: boolean; toolCall: ToolCallRow }> {
  const [inserted] = await toolCallStart(db).execute({ ...input, input: redactValue(input.input) ?? {} });
  if (inserted) return { started: true, toolCall: inserted };
  const existing = await getToolCall(db, input.agentId, input.toolCallId);
  if (!existing) throw new StorageError("a conflicting tool call vanished", { agentId: input.agentId });
  return { started: false, toolCall: existing };
}

/**
 * Records the outcome once; a second finish leaves the first in place. A call refused
 * before it started (unknown tool, invalid input, denied) gets its row here. Input and
 * output are stored redacted.
 */
export async function finishToolCall(
  db: Database,
  call: NewToolCall,
  finish: ToolCallFinish,
): Promise<ToolCallRow | undefined> {
  const outcome = {
    status: finish.status,
    output: finish.output === null ? null : redactSecrets(finish.output),
    isError: finish.isError,
    finishedAt: sql`now()`,
  };
  const [written] = await db
    .insert(toolCalls)
    .values({ ...call, input: redactValue(call.input) ?? {}, ...outcome })
    .onConflictDoUpdate({
      target: [toolCalls.agentId, toolCalls.toolCallId],
      set: outcome,
      setWhere: isNull(toolCalls.finishedAt),
    })
    .returning();
  return written ?? (await getToolCall(db, call.agentId, call.toolCallId));
}

/**
 * `finishToolCall` as a row of the step's one-statement write, for the step's own agent:
 * the outcome is recorded once, redacted, and only when the step check passed.
 */
export function finishedToolCallRow(
  call: Omit<NewToolCall, "agentId" | "sessionId">,
  finish: ToolCallFinish,
): StepRow {
  return {
    kind: "finished-tool-call",
    build: (step, value) =>
      sql`insert into ${toolCalls} (agent_id, tool_call_id, session_id, tool_name, input, risk, status, output,
          is_error, finished_at)
        select ${step}.id, ${value("toolCallId")}::text, ${step}.session_id, ${value("toolName")}::text,
          ${value("input")}::jsonb, ${value("risk")}::text, ${value("status")}::text, ${value("output")}::text,
          ${value("isError")}::boolean, now() from ${step}
        on conflict (agent_id, tool_call_id) do update
          set status = excluded.status, output = excluded.output, is_error = excluded.is_error,
            finished_at = excluded.finished_at
          where ${toolCalls}.finished_at is null`,
    values: {
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      input: JSON.stringify(redactValue(call.input) ?? {}),
      risk: call.risk,
      status: finish.status,
      output: finish.output === null ? null : redactSecrets(finish.output),
      isError: finish.isError,
    },
  };
}

const toolCallById = preparedPerDatabase((db) =>
  db
    .select()
    .from(toolCalls)
    .where(
      and(
        eq(toolCalls.agentId, sql.placeholder("agentId")),
        eq(toolCalls.toolCallId, sql.placeholder("toolCallId")),
      ),
    )
    .prepare("threadwork_tool_call_by_id"),
);

export async function getToolCall(
  db: Database,
  agentId: string,
  toolCallId: string,
): Promise<ToolCallRow | undefined> {
  const [row] = await toolCallById(db).execute({ agentId, toolCallId });
  return row;
}

/** How many of an agent's calls of `toolName` failed with an output starting with `prefix`. */
export async function countFailedCalls(
  db: Database,
  agentId: string,
  toolName: string,
  prefix: string,
): Promise<number> {
  const escaped = prefix.replace(/[\\%_]/g, (character) => `\\${character}`);
  const [row] = await db
    .select({ failed: count() })
    .from(toolCalls)
    .where(
      and(
        eq(toolCalls.agentId, agentId),
        eq(toolCalls.toolName, toolName),
        eq(toolCalls.isError, true),
        like(toolCalls.output, `${escaped}%`),
      ),
    );
  return row?.failed ?? 0;
}
