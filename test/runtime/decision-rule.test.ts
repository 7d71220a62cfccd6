import { describe, expect, it } from "vitest";
import { type DecisionKind, mayDecide } from "../../src/domain/decision-rule.ts";

const kinds: DecisionKind[] = ["approval", "budget", "stop", "answer"];
const decide = (policy: "owner-or-approvers" | "approvers-only", userId: string, kind: DecisionKind) =>
  mayDecide({ policy, ownerId: "U_OWNER", approvers: ["U_APPROVER", "U_OWNER_TOO"], userId, kind });

describe("mayDecide", () => {
  it("owner-or-approvers: the owner and approvers decide everything, nobody else anything", () => {
    for (const kind of kinds) {
      expect(decide("owner-or-approvers", "U_OWNER", kind)).toBe(true);
      expect(decide("owner-or-approvers", "U_APPROVER", kind)).toBe(true);
      expect(decide("owner-or-approvers", "U_STRANGER", kind)).toBe(false);
      expect(decide("owner-or-approvers", "", kind)).toBe(false);
    }
  });

  it("approvers-only: the person who asked never approves or extends their own session", () => {
    expect(decide("approvers-only", "U_OWNER", "approval")).toBe(false);
    expect(decide("approvers-only", "U_OWNER", "budget")).toBe(false);
    expect(decide("approvers-only", "U_APPROVER", "approval")).toBe(true);
    expect(decide("approvers-only", "U_APPROVER", "budget")).toBe(true);
    expect(decide("approvers-only", "U_STRANGER", "approval")).toBe(false);
    // An approver who owns the session is still the person who asked.
    const ownerApprover = { ownerId: "U_OWNER_TOO", approvers: ["U_OWNER_TOO"], userId: "U_OWNER_TOO" };
    expect(mayDecide({ policy: "approvers-only", kind: "approval", ...ownerApprover })).toBe(false);
  });

  it("approvers-only: the owner may still stop agents and answer questions, strangers may not", () => {
    for (const kind of ["stop", "answer"] as const) {
      expect(decide("approvers-only", "U_OWNER", kind)).toBe(true);
      expect(decide("approvers-only", "U_APPROVER", kind)).toBe(true);
      expect(decide("approvers-only", "U_STRANGER", kind)).toBe(false);
    }
  });
});
