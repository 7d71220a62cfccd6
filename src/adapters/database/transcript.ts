import { and, asc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import type { ChatMessage, MessagePart } from "../../domain/messages.ts";
import { redactSecrets } from "../../logger.ts";
import type { Database } from "./open-database.ts";
import { preparedPerDatabase } from "./prepared.ts";
import { transcriptMessages } from "./schema.ts";
import type { StepRow } from "./step-row.ts";
import { StorageError } from "./storage-error.ts";

const messagePartSchema: z.ZodType<MessagePart> = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("text"),
    text: z.string(),
    verbatim: z.literal(true).optional(),
    summarizesThrough: z.number().int().optional(),
  }),
  z.object({ type: z.literal("tool_call"), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({
    type: z.literal("tool_result"),
    toolCallId: z.string(),
    toolName: z.string(),
    content: z.string(),
    isError: z.boolean(),
    verbatim: z.literal(true).optional(),
  }),
  z.object({
    type: z.literal("image"),
    mediaType: z.string(),
    name: z.string(),
    eventId: z.number().int(),
    index: z.number().int(),
  }),
  z.object({
    type: z.literal("thinking"),
    text: z.string(),
    signature: z.string().optional(),
    redactedData: z.string().optional(),
  }),
]);

const storedMessageSchema = z.object({
  role: z.enum(["user", "assistant"]),
  parts: z.array(messagePartSchema),
});

export interface TranscriptEntry {
  seq: number;
  message: ChatMessage;
}

/**
 * Stores message `seq` of an agent's transcript. A message already stored at that
 * seq is kept, so replaying a step after a crash is harmless.
 */
/**
 * What reaches the model from outside (user text, tool output) is stored with secret-shaped
 * strings redacted, so a token a command printed never enters a transcript or a later prompt.
 * Assistant parts stay as they are: thinking blocks must go back to the provider unchanged.
 */
function redactInputParts(message: ChatMessage): MessagePart[] {
  if (message.role !== "user") return message.parts;
  return message.parts.map((part) => {
    if (part.type === "text") return { ...part, text: redactSecrets(part.text) };
    if (part.type === "tool_result") return { ...part, content: redactSecrets(part.content) };
    // An image's bytes stay in the event that brought them; a request's copy is never stored.
    if (part.type === "image") {
      const { data: _data, ...stored } = part;
      return stored;
    }
    return part;
  });
}

export async function appendTranscriptMessage(
  db: Database,
  agentId: string,
  seq: number,
  message: ChatMessage,
): Promise<{ appended: boolean }> {
  const inserted = await db
    .insert(transcriptMessages)
    .values({ agentId, seq, role: message.role, parts: redactInputParts(message) })
    .onConflictDoNothing({ target: [transcriptMessages.agentId, transcriptMessages.seq] })
    .returning({ id: transcriptMessages.id });
  return { appended: inserted.length > 0 };
}

/**
 * The step's message at `seq` as a row of its one-statement write. No `on conflict`: a seq
 * already taken fails the whole statement (`transcript_messages_agent_seq`), the step check included.
 */
export function stepMessageRow(seq: number, message: ChatMessage): StepRow {
  return {
    kind: "message",
    build: (step, value) =>
      sql`insert into ${transcriptMessages} (agent_id, seq, role, parts)
        select ${step}.id, ${value("seq")}::integer, ${value("role")}::text, ${value("parts")}::jsonb from ${step}`,
    values: { seq, role: message.role, parts: JSON.stringify(redactInputParts(message)) },
  };
}

/** The whole transcript in order, validated: persisted JSON is not trusted blindly. */
export async function loadTranscript(db: Database, agentId: string): Promise<TranscriptEntry[]> {
  const rows = await transcriptAfter(db).execute({ agentId, afterSeq: wholeTranscript });
  return validatedEntries(agentId, rows);
}

const transcriptAfter = preparedPerDatabase((db) =>
  db
    .select({ seq: transcriptMessages.seq, role: transcriptMessages.role, parts: transcriptMessages.parts })
    .from(transcriptMessages)
    .where(
      and(
        eq(transcriptMessages.agentId, sql.placeholder("agentId")),
        gt(transcriptMessages.seq, sql.placeholder("afterSeq")),
      ),
    )
    .orderBy(asc(transcriptMessages.seq))
    .prepare("threadwork_transcript_after"),
);

/** After the smallest integer is the whole transcript. */
export const wholeTranscript = -2_147_483_648;

/** Stored messages as transcript entries, validated: persisted JSON is not trusted blindly. */
export function validatedEntries(
  agentId: string,
  rows: { seq: number; role: unknown; parts: unknown }[],
): TranscriptEntry[] {
  return rows.map((row) => {
    const parsed = storedMessageSchema.safeParse({ role: row.role, parts: row.parts });
    if (!parsed.success) {
      throw new StorageError("a stored transcript message is malformed", { agentId, seq: row.seq });
    }
    return { seq: row.seq, message: parsed.data };
  });
}
