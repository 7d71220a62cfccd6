/** How a person rated a final answer. */
const feedbackValues = ["positive", "negative"] as const;
export type FeedbackValue = (typeof feedbackValues)[number];

export function isFeedbackValue(value: unknown): value is FeedbackValue {
  return typeof value === "string" && (feedbackValues as readonly string[]).includes(value);
}

/** How people rated a session's answers. */
export interface FeedbackCounts {
  positive: number;
  negative: number;
}
