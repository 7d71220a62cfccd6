/** A session's changes so far, as one unified diff. */
interface SessionDiff {
  text: string;
  /** Shown above the diff tab; display only. */
  baseBranch?: string;
  headBranch?: string;
}

/** Where a code channel's `diff` tab comes from: the session's workspaces (see `src/application/session-diffs.ts`). */
export interface SessionDiffSource {
  diffOf(sessionId: string): Promise<SessionDiff | undefined>;
}
