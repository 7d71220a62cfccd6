import { z } from "zod";

/** A GitHub webhook delivery this service acts on, read from the payload's own fields. */
export type GitHubEvent =
  | {
      kind: "check-failed";
      /** `owner/repo`. */
      repository: string;
      branch: string;
      headSha: string;
      /** The check run's or workflow's name. */
      name: string;
      link: string | undefined;
      /** A check run's id: its output and annotations are fetched through the REST API. */
      checkRunId: number | undefined;
      pullRequests: number[];
      occurredAt: string | undefined;
    }
  | {
      kind: "review";
      repository: string;
      branch: string;
      pullRequest: number;
      /** A review comment's id, to answer it in its thread; absent for a review's summary. */
      commentId: number | undefined;
      author: string;
      body: string;
      /** Where the comment points, e.g. `src/app.ts:12`. */
      place: string | undefined;
      link: string | undefined;
      occurredAt: string | undefined;
    }
  | { kind: "ignored"; reason: string };

const repository = z.object({ full_name: z.string().min(1) });
const pullRequestLink = z.object({
  number: z.number().int(),
  head: z.object({ ref: z.string() }).optional(),
});
const failedConclusions = new Set(["failure", "timed_out"]);

const checkRunPayload = z.object({
  action: z.string(),
  repository,
  check_run: z.object({
    id: z.number().int(),
    name: z.string(),
    head_sha: z.string(),
    conclusion: z.string().nullable().optional(),
    html_url: z.string().nullable().optional(),
    completed_at: z.string().nullable().optional(),
    check_suite: z.object({ head_branch: z.string().nullable().optional() }).nullable().optional(),
    pull_requests: z.array(pullRequestLink).default([]),
  }),
});

const checkSuitePayload = z.object({
  action: z.string(),
  repository,
  check_suite: z.object({
    head_branch: z.string().nullable().optional(),
    head_sha: z.string(),
    conclusion: z.string().nullable().optional(),
    updated_at: z.string().nullable().optional(),
    app: z.object({ name: z.string() }).nullable().optional(),
    pull_requests: z.array(pullRequestLink).default([]),
  }),
});

const workflowRunPayload = z.object({
  action: z.string(),
  repository,
  workflow_run: z.object({
    name: z.string().nullable().optional(),
    head_branch: z.string().nullable().optional(),
    head_sha: z.string(),
    conclusion: z.string().nullable().optional(),
    html_url: z.string().optional(),
    updated_at: z.string().optional(),
    pull_requests: z.array(pullRequestLink).default([]),
  }),
});

const pullRequest = z.object({ number: z.number().int(), head: z.object({ ref: z.string() }) });
const user = z.object({ login: z.string() });

const reviewPayload = z.object({
  action: z.string(),
  repository,
  pull_request: pullRequest,
  review: z.object({
    id: z.number().int(),
    user,
    body: z.string().nullable(),
    state: z.string(),
    html_url: z.string().optional(),
    submitted_at: z.string().nullable().optional(),
  }),
});

const reviewCommentPayload = z.object({
  action: z.string(),
  repository,
  pull_request: pullRequest,
  comment: z.object({
    id: z.number().int(),
    user,
    body: z.string(),
    path: z.string().optional(),
    line: z.number().int().nullable().optional(),
    html_url: z.string().optional(),
    updated_at: z.string().optional(),
  }),
});

function ignored(reason: string): GitHubEvent {
  return { kind: "ignored", reason };
}

function numbers(links: { number: number }[]): number[] {
  return links.map((link) => link.number);
}

function readCheckRun(payload: unknown): GitHubEvent {
  const parsed = checkRunPayload.safeParse(payload);
  if (!parsed.success) return ignored("check_run payload of an unknown shape");
  const { action, check_run: run } = parsed.data;
  if (action !== "completed" || !failedConclusions.has(run.conclusion ?? "")) return ignored("not a failure");
  const branch = run.check_suite?.head_branch ?? run.pull_requests[0]?.head?.ref;
  if (!branch) return ignored("no branch");
  return {
    kind: "check-failed",
    repository: parsed.data.repository.full_name,
    branch,
    headSha: run.head_sha,
    name: run.name,
    link: run.html_url ?? undefined,
    checkRunId: run.id,
    pullRequests: numbers(run.pull_requests),
    occurredAt: run.completed_at ?? undefined,
  };
}

function readCheckSuite(payload: unknown): GitHubEvent {
  const parsed = checkSuitePayload.safeParse(payload);
  if (!parsed.success) return ignored("check_suite payload of an unknown shape");
  const { action, check_suite: suite } = parsed.data;
  if (action !== "completed" || !failedConclusions.has(suite.conclusion ?? ""))
    return ignored("not a failure");
  if (!suite.head_branch) return ignored("no branch");
  return {
    kind: "check-failed",
    repository: parsed.data.repository.full_name,
    branch: suite.head_branch,
    headSha: suite.head_sha,
    name: suite.app?.name ? `${suite.app.name} checks` : "check suite",
    link: undefined,
    checkRunId: undefined,
    pullRequests: numbers(suite.pull_requests),
    occurredAt: suite.updated_at ?? undefined,
  };
}

function readWorkflowRun(payload: unknown): GitHubEvent {
  const parsed = workflowRunPayload.safeParse(payload);
  if (!parsed.success) return ignored("workflow_run payload of an unknown shape");
  const { action, workflow_run: run } = parsed.data;
  if (action !== "completed" || !failedConclusions.has(run.conclusion ?? "")) return ignored("not a failure");
  if (!run.head_branch) return ignored("no branch");
  return {
    kind: "check-failed",
    repository: parsed.data.repository.full_name,
    branch: run.head_branch,
    headSha: run.head_sha,
    name: run.name ?? "workflow",
    link: run.html_url,
    checkRunId: undefined,
    pullRequests: numbers(run.pull_requests),
    occurredAt: run.updated_at,
  };
}

function readReview(payload: unknown): GitHubEvent {
  const parsed = reviewPayload.safeParse(payload);
  if (!parsed.success) return ignored("pull_request_review payload of an unknown shape");
  const { action, review, pull_request: pull } = parsed.data;
  // An approval asks for nothing; a review without a body says nothing its comments do not.
  if (action !== "submitted" || review.state === "approved" || !review.body?.trim())
    return ignored("nothing to address");
  return {
    kind: "review",
    repository: parsed.data.repository.full_name,
    branch: pull.head.ref,
    pullRequest: pull.number,
    commentId: undefined,
    author: review.user.login,
    body: review.body,
    place: undefined,
    link: review.html_url,
    occurredAt: review.submitted_at ?? undefined,
  };
}

function readReviewComment(payload: unknown): GitHubEvent {
  const parsed = reviewCommentPayload.safeParse(payload);
  if (!parsed.success) return ignored("pull_request_review_comment payload of an unknown shape");
  const { action, comment, pull_request: pull } = parsed.data;
  if (action !== "created") return ignored("not a new comment");
  return {
    kind: "review",
    repository: parsed.data.repository.full_name,
    branch: pull.head.ref,
    pullRequest: pull.number,
    commentId: comment.id,
    author: comment.user.login,
    body: comment.body,
    place: comment.path ? `${comment.path}${comment.line ? `:${comment.line}` : ""}` : undefined,
    link: comment.html_url,
    occurredAt: comment.updated_at,
  };
}

const readers: Record<string, (payload: unknown) => GitHubEvent> = {
  check_run: readCheckRun,
  check_suite: readCheckSuite,
  workflow_run: readWorkflowRun,
  pull_request_review: readReview,
  pull_request_review_comment: readReviewComment,
};

/** Reads a delivery (`X-GitHub-Event` and its parsed JSON body) into what Threadwork acts on. */
export function readGitHubEvent(name: string, payload: unknown): GitHubEvent {
  const read = Object.hasOwn(readers, name) ? readers[name] : undefined;
  return read ? read(payload) : ignored(`${name} is not an event Threadwork acts on`);
}

/**
 * GitHub signs deliveries but puts no time in them, so a replay is caught by its delivery id
 * (remembered for `replayWindowMs`). A delivery whose event happened longer ago than that
 * window could be an old capture sent again after its id was forgotten: it is refused.
 */
export function isStaleDelivery(event: GitHubEvent, now: Date, replayWindowMs: number): boolean {
  if (event.kind === "ignored" || !event.occurredAt) return false;
  const occurred = Date.parse(event.occurredAt);
  return Number.isFinite(occurred) && now.getTime() - occurred > replayWindowMs;
}
