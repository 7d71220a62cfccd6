import { ThreadworkError } from "../../domain/errors.ts";

export interface GitHubOptions {
  /** REST API base, e.g. https://api.github.com; a test points it at a local fake. */
  apiUrl: string;
  /** Hosts whose remotes are GitHub repositories. */
  hosts: string[];
  fetch: typeof fetch;
}

export const defaultGitHubOptions: GitHubOptions = {
  apiUrl: "https://api.github.com",
  hosts: ["github.com"],
  fetch: (...args) => fetch(...args),
};

export class GitHubError extends ThreadworkError {
  constructor(message: string, status: number | undefined) {
    super("github_failed", message, { category: "third_party", details: { status: status ?? null } });
    this.name = "GitHubError";
  }
}

/** `owner/repo` of a GitHub remote URL, or undefined for other hosts. */
export function gitHubRepositoryOf(
  url: string,
  hosts: string[],
): { owner: string; repo: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (!hosts.includes(parsed.host)) return undefined;
  const match = /^\/([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(parsed.pathname);
  if (!match?.[1] || !match[2]) return undefined;
  return { owner: match[1], repo: match[2] };
}

/**
 * Opens a draft pull request, or finds the open one for the same head branch (a retried
 * finish must not fail on "already exists"). Returns its html URL.
 */
export async function openDraftPullRequest(
  github: GitHubOptions,
  request: {
    token: string;
    owner: string;
    repo: string;
    head: string;
    base: string;
    title: string;
    body: string;
  },
): Promise<string> {
  const headers = {
    Authorization: `Bearer ${request.token}`,
    Accept: "application/vnd.github+json",
    "X-GitHub-Api-Version": "2022-11-28",
    "User-Agent": "threadwork",
    "Content-Type": "application/json",
  };
  const base = `${github.apiUrl.replace(/\/$/, "")}/repos/${encodeURIComponent(request.owner)}/${encodeURIComponent(request.repo)}/pulls`;
  const created = await github.fetch(base, {
    method: "POST",
    headers,
    body: JSON.stringify({
      title: request.title,
      head: request.head,
      base: request.base,
      body: request.body,
      draft: true,
    }),
  });
  if (created.ok) return htmlUrlOf(await created.json(), created.status);
  if (created.status === 422) {
    const query = new URLSearchParams({ head: `${request.owner}:${request.head}`, state: "open" });
    const existing = await github.fetch(`${base}?${query}`, { headers });
    if (existing.ok) {
      const list = (await existing.json()) as unknown;
      if (Array.isArray(list) && list.length > 0) return htmlUrlOf(list[0], existing.status);
    }
  }
  const text = (await created.text()).slice(0, 300);
  throw new GitHubError(`GitHub refused the pull request (${created.status}): ${text}`, created.status);
}

function htmlUrlOf(body: unknown, status: number): string {
  if (typeof body === "object" && body !== null && "html_url" in body && typeof body.html_url === "string") {
    return body.html_url;
  }
  throw new GitHubError("GitHub answered without a pull request URL", status);
}
