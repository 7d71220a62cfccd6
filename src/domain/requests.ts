import type { ApprovalPolicy } from "./decision-rule.ts";
/**
 * What an agent asks a human (question, approval, budget, a fan-out plan to start), and how a
 * decision on it turned out.
 */
export type RequestKind = "question" | "approval" | "budget" | "plan";

export type RequestStatus =
  | "pending"
  | "answered"
  | "approved"
  | "denied"
  | "extended"
  | "stopped"
  | "cancelled";

export interface RequestSnapshot {
  id: string;
  sessionId: string;
  agentId: string;
  agentTitle: string;
  kind: RequestKind;
  prompt: string;
  choices: string[] | null;
  /** For approvals: an ApprovalAction (src/domain/approval-action.ts); surfaces parse it. */
  action: Record<string, unknown> | null;
  pattern: string | null;
  status: RequestStatus;
  /** The stored choice (`approve`, `always_allow`, `deny`, `extend`, …), so every instance renders it. */
  decision: string | null;
  answer: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
}

export type DecisionOutcome =
  | { ok: true; request: RequestSnapshot }
  | {
      ok: false;
      reason: "not_found" | "already_decided" | "not_authorized" | "invalid";
      request?: RequestSnapshot;
      /** With `not_authorized`: the policy that refused, so the refusal can name it alone. */
      policy?: ApprovalPolicy;
      /** With `not_authorized`: the refusal in its own words, when no policy is the reason (a spend limit). */
      refusal?: string;
    };
