/** Who may decide a session's requests, per deployment (THREADWORK_APPROVAL_POLICY). */
export const approvalPolicies = ["owner-or-approvers", "approvers-only"] as const;
export type ApprovalPolicy = (typeof approvalPolicies)[number];

/**
 * What is being decided. `approval` and `budget` (extend) let the session do more;
 * `stop` only ever lets it do less; `answer` answers an agent's question.
 */
export type DecisionKind = "approval" | "budget" | "stop" | "answer";

interface DecisionRuleInput {
  policy: ApprovalPolicy;
  /** The person who started the session. */
  ownerId: string;
  /** THREADWORK_APPROVERS. */
  approvers: readonly string[];
  userId: string;
  kind: DecisionKind;
}

/**
 * The one rule for who may decide, shared by the runtime and the test runtime.
 * - `owner-or-approvers`: the owner or any approver decides everything.
 * - `approvers-only`: only an approver who is not the owner approves risky actions or
 *   extends a budget (four eyes); the owner may still stop their own session's agents
 *   and answer their questions, which never widen what the session may do.
 * Questions are never open to every thread participant: an answer steers an agent as
 * much as an approval does ("Proceed with the migration? yes/no").
 */
export function mayDecide(input: DecisionRuleInput): boolean {
  if (input.userId === "") return false;
  const isOwner = input.userId === input.ownerId;
  const isApprover = input.approvers.includes(input.userId);
  if (input.policy === "owner-or-approvers" || input.kind === "stop" || input.kind === "answer") {
    return isOwner || isApprover;
  }
  return isApprover && !isOwner;
}

/** The rule that applies to this kind of decision: answers and stops stay with the owner or approvers. */
export function policyInForce(policy: ApprovalPolicy, kind: DecisionKind): ApprovalPolicy {
  return kind === "approval" || kind === "budget" ? policy : "owner-or-approvers";
}
