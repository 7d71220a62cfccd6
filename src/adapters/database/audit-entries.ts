import { and, asc, eq, gte } from "drizzle-orm";
import type { AuditEntry, AuditRecorder } from "../../domain/audit.ts";
import type { AuditRecord, AuditTrail } from "../../domain/audit-export.ts";
import { redactSecrets } from "../../domain/secret-redaction.ts";
import type { Database } from "./open-database.ts";
import { auditEntries } from "./schema.ts";

/**
 * Appends one audit row at the database's time, its detail redacted like every stored text. With
 * a `key`, a second recording of the same thing (a retried step, a redelivered event) adds
 * nothing. Call it inside the transaction that makes the decision, so both commit or neither.
 * Returns whether a row was added.
 */
export async function appendAuditEntry(db: Database, entry: AuditEntry, key?: string): Promise<boolean> {
  const inserted = await db
    .insert(auditEntries)
    .values({
      teamId: entry.scope.teamId,
      enterpriseId: entry.scope.enterpriseId ?? null,
      action: entry.action,
      actorId: entry.actorId,
      channelId: entry.channelId ?? null,
      sessionId: entry.sessionId ?? null,
      detail: redactSecrets(entry.detail),
      ...(key === undefined ? {} : { key }),
    })
    .onConflictDoNothing({ target: auditEntries.key })
    .returning({ id: auditEntries.id });
  return inserted.length > 0;
}

/** The audit trail in Postgres (or PGlite): what the surfaces and other parts record through. */
export function databaseAuditRecorder(db: Database): AuditRecorder {
  return {
    async record(entry) {
      await appendAuditEntry(db, entry);
    },
  };
}

/** The recorder, and one team's rows read back for an export. */
export function databaseAuditTrail(db: Database): AuditTrail {
  return {
    ...databaseAuditRecorder(db),
    list: (query) => listAuditEntries(db, query),
  };
}

export interface AuditQuery {
  /** One team's rows; every team's only for the operator at the terminal. */
  teamId: string | undefined;
  /** Rows at or after this time; all when absent. */
  since?: Date | undefined;
}

/** The rows of `query.teamId` (never another team's), oldest first. */
export async function listAuditEntries(db: Database, query: AuditQuery): Promise<AuditRecord[]> {
  const rows = await db
    .select()
    .from(auditEntries)
    .where(
      and(
        query.teamId === undefined ? undefined : eq(auditEntries.teamId, query.teamId),
        query.since ? gte(auditEntries.at, query.since) : undefined,
      ),
    )
    .orderBy(asc(auditEntries.at), asc(auditEntries.id));
  return rows.map(({ key: _key, ...row }) => row);
}
