import { type ApprovalAction, exactActionText, visibleText } from "./approval-action.ts";

/**
 * The longest action text an approver is asked to read, counted as shown (invisible characters
 * written out). A longer action is refused before anyone is asked, on every surface; each surface
 * must be able to show this much in full (Slack's worst case, every character escaped to five, fits).
 */
export const maximumApprovalTextLength = 20_000;

/**
 * What the approver must read in full, invisible characters written out: the exact action, the
 * input besides a command (`rest`), and, for a tool whose input is not a command (e.g. a merge),
 * a description of several lines that says what will happen.
 */
export function approvalReviewText(action: ApprovalAction): {
  description: string | undefined;
  main: { text: string; marked: boolean };
  rest: { text: string; marked: boolean } | undefined;
} {
  const exact = exactActionText(action);
  const described = typeof action.input.command !== "string" && action.description.includes("\n");
  return {
    description: described ? visibleText(action.description).text : undefined,
    main: visibleText(exact.main),
    rest: exact.rest === undefined ? undefined : visibleText(exact.rest),
  };
}

/** Whether a person can be asked to approve `action`: all of it is short enough to read in full. */
export function isShortEnoughToReview(action: ApprovalAction): boolean {
  const review = approvalReviewText(action);
  const length =
    (review.description?.length ?? 0) + review.main.text.length + (review.rest?.text.length ?? 0);
  return length <= maximumApprovalTextLength;
}
