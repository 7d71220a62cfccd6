import type { TeamScope } from "./team-scope.ts";

/** What an audit row records. New actions are appended at the end. */
export type AuditAction =
  | "approval-approved"
  | "approval-denied"
  | "always-allow"
  | "settings-changed"
  | "stop"
  | "budget-extended"
  | "install"
  | "uninstall"
  | "tokens-revoked"
  | "spend-limit-extended"
  /** A fan-out plan's Start: its workers may run. */
  | "plan-started"
  /** A fan-out plan's Cancel: none of its workers started. */
  | "plan-cancelled";

/** One decision or change, with who, when, where and what. */
export interface AuditEntry {
  scope: TeamScope;
  action: AuditAction;
  /** Who did it: a Slack user id, or `threadwork` for the service itself. */
  actorId: string;
  channelId?: string | undefined;
  sessionId?: string | undefined;
  /** The exact action, redacted as it is stored elsewhere (the command, the setting and its new value). */
  detail: string;
  at?: Date;
}

/** Where decisions are recorded; append-only. */
export interface AuditRecorder {
  record(entry: AuditEntry): Promise<void>;
}

/** For code paths and tests that run without an audit trail. */
export const noAudit: AuditRecorder = { record: async () => {} };
