import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { SharedFile } from "../../domain/shared-files.ts";
import type { Database } from "./open-database.ts";
import { events } from "./schema.ts";

/** The message events that may carry shared files. */
const messageEventTypes = ["user-message", "held-reply"];

function attachmentsOf(payload: Record<string, unknown>): SharedFile[] {
  const attachments = payload.attachments;
  return Array.isArray(attachments) ? (attachments as SharedFile[]) : [];
}

/** A shared file and the event that stored it. */
export interface StoredSharedFile {
  eventId: number;
  index: number;
  file: SharedFile;
}

/** Every file shared in a session's conversation, in the order people shared them. */
export async function sessionSharedFiles(db: Database, sessionId: string): Promise<StoredSharedFile[]> {
  const rows = await db
    .select({ id: events.id, payload: events.payload })
    .from(events)
    .where(
      and(
        eq(events.sessionId, sessionId),
        inArray(events.type, messageEventTypes),
        sql`jsonb_exists(${events.payload}, 'attachments')`,
      ),
    )
    .orderBy(asc(events.id));
  return rows.flatMap((row) =>
    attachmentsOf(row.payload).map((file, index) => ({ eventId: row.id, index, file })),
  );
}

/** The base64 bytes of the shared files these events stored, keyed `<eventId>:<index>`. */
export async function sharedFileData(db: Database, eventIds: number[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (eventIds.length === 0) return found;
  const rows = await db
    .select({ id: events.id, payload: events.payload })
    .from(events)
    .where(inArray(events.id, [...new Set(eventIds)]));
  for (const row of rows) {
    attachmentsOf(row.payload).forEach((file, index) => {
      if (typeof file.data === "string") found.set(`${row.id}:${index}`, file.data);
    });
  }
  return found;
}
