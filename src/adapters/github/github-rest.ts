import { z } from "zod";
import { GitHubError, type GitHubOptions } from "../git/github-pull-request.ts";

/** What a failed check run says about itself: its output and the first annotations. */
export interface CheckRunReport {
  title: string | undefined;
  summary: string | undefined;
  text: string | undefined;
  annotations: { path: string; line: number | undefined; message: string; level: string | undefined }[];
}

export interface GitHubRest {
  checkRunReport(repository: string, checkRunId: number): Promise<CheckRunReport>;
  /** `admin`, `maintain`, `write`, `triage`, `read` or `none` (the role name where GitHub gives one). */
  permissionOf(repository: string, login: string): Promise<string>;
  replyToReviewComment(
    repository: string,
    pullRequest: number,
    commentId: number,
    body: string,
  ): Promise<string>;
}

const checkRunSchema = z.object({
  output: z
    .object({
      title: z.string().nullable().optional(),
      summary: z.string().nullable().optional(),
      text: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
});
const annotationsSchema = z.array(
  z.object({
    path: z.string(),
    start_line: z.number().nullable().optional(),
    message: z.string().nullable().optional(),
    annotation_level: z.string().nullable().optional(),
  }),
);
const permissionSchema = z.object({ permission: z.string(), role_name: z.string().optional() });
const createdSchema = z.object({ html_url: z.string() });

/** `owner/repo` as two path segments, each encoded. */
function repositoryPath(repository: string): string {
  const [owner, name, ...rest] = repository.split("/");
  if (!owner || !name || rest.length > 0)
    throw new GitHubError(`not a repository name: ${repository}`, undefined);
  return `${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}

/** The few REST calls the webhook's handling makes, with GITHUB_TOKEN, against `github.apiUrl`. */
export function createGitHubRest(github: Pick<GitHubOptions, "apiUrl" | "fetch">, token: string): GitHubRest {
  const base = github.apiUrl.replace(/\/$/, "");
  async function call<T>(path: string, schema: z.ZodType<T>, init: { method?: string; body?: unknown } = {}) {
    const response = await github.fetch(`${base}${path}`, {
      method: init.method ?? "GET",
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "threadwork",
        ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    if (!response.ok) {
      const text = (await response.text()).slice(0, 300);
      throw new GitHubError(`GitHub answered ${response.status} to ${path}: ${text}`, response.status);
    }
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success)
      throw new GitHubError(`GitHub's answer to ${path} has an unknown shape`, response.status);
    return parsed.data;
  }
  return {
    async checkRunReport(repository, checkRunId) {
      const path = `/repos/${repositoryPath(repository)}/check-runs/${checkRunId}`;
      const run = await call(path, checkRunSchema);
      const annotations = await call(`${path}/annotations?per_page=20`, annotationsSchema);
      return {
        title: run.output?.title ?? undefined,
        summary: run.output?.summary ?? undefined,
        text: run.output?.text ?? undefined,
        annotations: annotations.map((annotation) => ({
          path: annotation.path,
          line: annotation.start_line ?? undefined,
          message: annotation.message ?? "",
          level: annotation.annotation_level ?? undefined,
        })),
      };
    },
    async permissionOf(repository, login) {
      const path = `/repos/${repositoryPath(repository)}/collaborators/${encodeURIComponent(login)}/permission`;
      try {
        return (await call(path, permissionSchema)).permission;
      } catch (error) {
        // GitHub answers 404 for someone who is not a collaborator at all.
        if (error instanceof GitHubError && error.details?.status === 404) return "none";
        throw error;
      }
    },
    async replyToReviewComment(repository, pullRequest, commentId, body) {
      const path = `/repos/${repositoryPath(repository)}/pulls/${pullRequest}/comments/${commentId}/replies`;
      return (await call(path, createdSchema, { method: "POST", body: { body } })).html_url;
    },
  };
}
