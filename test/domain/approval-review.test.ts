import { describe, expect, it } from "vitest";
import { buildApprovalAction } from "../../src/domain/approval-action.ts";
import { isShortEnoughToReview, maximumApprovalTextLength } from "../../src/domain/approval-review.ts";

function command(text: string, others: Record<string, unknown> = {}) {
  return buildApprovalAction({
    tool: "run_command",
    input: { command: text, ...others },
    description: "run",
    repo: null,
    branch: null,
  });
}

describe("an approval too long to read in full is refused, on every surface", () => {
  it("asks about an action up to the limit and refuses one character more", () => {
    expect(isShortEnoughToReview(command("a".repeat(maximumApprovalTextLength)))).toBe(true);
    expect(isShortEnoughToReview(command("a".repeat(maximumApprovalTextLength + 1)))).toBe(false);
  });

  it("counts what the approver reads: invisible characters written out, and the other options", () => {
    // Each zero-width space is read as ⟦U+200B⟧, eight characters.
    const hidden = "\u200b".repeat(maximumApprovalTextLength / 8);
    expect(isShortEnoughToReview(command(hidden))).toBe(true);
    expect(isShortEnoughToReview(command(`${hidden}a`))).toBe(false);
    // `{"timeout_s":5}` is 15 characters the approver reads too.
    expect(isShortEnoughToReview(command("a".repeat(maximumApprovalTextLength - 15), { timeout_s: 5 }))).toBe(
      true,
    );
    expect(isShortEnoughToReview(command("a".repeat(maximumApprovalTextLength - 14), { timeout_s: 5 }))).toBe(
      false,
    );
  });

  it("counts a description of several lines for a tool whose input is not a command", () => {
    const merge = (description: string) =>
      buildApprovalAction({ tool: "merge_agents", input: {}, description, repo: null, branch: null });
    // The input reads as `{}`, two characters.
    expect(isShortEnoughToReview(merge(`a\n${"b".repeat(maximumApprovalTextLength - 4)}`))).toBe(true);
    expect(isShortEnoughToReview(merge(`a\n${"b".repeat(maximumApprovalTextLength - 3)}`))).toBe(false);
  });
});
