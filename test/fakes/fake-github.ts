import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { signWebhookBody } from "../../src/adapters/github/webhook-signature.ts";

/** A check run as GitHub's REST API and its webhooks describe it. */
export interface FakeCheckRun {
  id: number;
  repository: string;
  name: string;
  headSha: string;
  branch: string;
  pullRequest: number;
  output: { title: string; summary: string; text: string };
  annotations: { path: string; start_line: number; message: string; annotation_level: string }[];
}

export interface RecordedReply {
  repository: string;
  pullRequest: number;
  commentId: number;
  body: string;
  authorization: string | undefined;
}

/**
 * A fake GitHub: a webhook sender that signs real payload shapes (check_run, workflow_run,
 * pull_request_review_comment), and the REST endpoints Threadwork calls, answering as GitHub
 * does (no token → 401, unknown repository or check run → 404).
 */
export class FakeGitHub {
  readonly checkRuns = new Map<number, FakeCheckRun>();
  /** `owner/repo` → login → permission. */
  readonly permissions = new Map<string, Map<string, string>>();
  readonly replies: RecordedReply[] = [];
  readonly requests: string[] = [];
  private nextId = 1000;

  private readonly server: ReturnType<typeof createServer>;
  readonly apiUrl: string;
  private readonly token: string;
  readonly repositories: Set<string>;

  private constructor(
    server: ReturnType<typeof createServer>,
    apiUrl: string,
    token: string,
    repositories: Set<string>,
  ) {
    this.server = server;
    this.apiUrl = apiUrl;
    this.token = token;
    this.repositories = repositories;
  }

  static async start(options: { token: string; repositories: string[] }): Promise<FakeGitHub> {
    let fake: FakeGitHub | undefined;
    const server = createServer((request, response) => {
      fake?.serve(request, response).catch(() => response.writeHead(500).end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeGitHub(server, `http://127.0.0.1:${port}`, options.token, new Set(options.repositories));
    return fake;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  id(): number {
    this.nextId += 1;
    return this.nextId;
  }

  grant(repository: string, login: string, permission: string): void {
    const people = this.permissions.get(repository) ?? new Map<string, string>();
    people.set(login, permission);
    this.permissions.set(repository, people);
  }

  addCheckRun(run: Omit<FakeCheckRun, "id">): FakeCheckRun {
    const created = { ...run, id: this.id() };
    this.checkRuns.set(created.id, created);
    return created;
  }

  /** The `check_run` `completed` delivery GitHub sends for `run`, concluded `failure`. */
  checkRunCompleted(run: FakeCheckRun, completedAt = new Date()): Record<string, unknown> {
    const [owner = "", name = ""] = run.repository.split("/");
    const pullRequest = {
      url: `https://api.github.com/repos/${run.repository}/pulls/${run.pullRequest}`,
      id: run.pullRequest + 5000,
      number: run.pullRequest,
      head: { ref: run.branch, sha: run.headSha, repo: { id: 1, name, url: "" } },
      base: { ref: "main", sha: "0".repeat(40), repo: { id: 1, name, url: "" } },
    };
    return {
      action: "completed",
      check_run: {
        id: run.id,
        name: run.name,
        node_id: `CR_${run.id}`,
        head_sha: run.headSha,
        external_id: "",
        url: `https://api.github.com/repos/${run.repository}/check-runs/${run.id}`,
        html_url: `https://github.com/${run.repository}/runs/${run.id}`,
        details_url: `https://github.com/${run.repository}/actions/runs/${run.id}`,
        status: "completed",
        conclusion: "failure",
        started_at: new Date(completedAt.getTime() - 60_000).toISOString(),
        completed_at: completedAt.toISOString(),
        output: {
          title: run.output.title,
          summary: run.output.summary,
          text: null,
          annotations_count: run.annotations.length,
          annotations_url: `https://api.github.com/repos/${run.repository}/check-runs/${run.id}/annotations`,
        },
        check_suite: {
          id: run.id + 1,
          head_branch: run.branch,
          head_sha: run.headSha,
          status: "completed",
          conclusion: "failure",
          pull_requests: [pullRequest],
          created_at: completedAt.toISOString(),
          updated_at: completedAt.toISOString(),
        },
        app: { id: 15368, slug: "github-actions", name: "GitHub Actions" },
        pull_requests: [pullRequest],
      },
      repository: repositoryObject(run.repository, owner, name),
      sender: { login: "github-actions[bot]", id: 41898282, type: "Bot" },
    };
  }

  /** A `pull_request_review_comment` `created` delivery. */
  reviewCommentCreated(options: {
    repository: string;
    branch: string;
    pullRequest: number;
    author: string;
    body: string;
    path: string;
    line: number;
  }): { payload: Record<string, unknown>; commentId: number } {
    const [owner = "", name = ""] = options.repository.split("/");
    const commentId = this.id();
    const now = new Date().toISOString();
    return {
      commentId,
      payload: {
        action: "created",
        comment: {
          id: commentId,
          node_id: `PRRC_${commentId}`,
          pull_request_review_id: commentId + 1,
          diff_hunk: "@@ -1 +1 @@",
          path: options.path,
          line: options.line,
          side: "RIGHT",
          commit_id: "1".repeat(40),
          user: { login: options.author, id: 7, type: "User" },
          body: options.body,
          created_at: now,
          updated_at: now,
          html_url: `https://github.com/${options.repository}/pull/${options.pullRequest}#discussion_r${commentId}`,
          author_association: "NONE",
        },
        pull_request: {
          number: options.pullRequest,
          html_url: `https://github.com/${options.repository}/pull/${options.pullRequest}`,
          state: "open",
          draft: true,
          head: { ref: options.branch, sha: "1".repeat(40) },
          base: { ref: "main", sha: "0".repeat(40) },
        },
        repository: repositoryObject(options.repository, owner, name),
        sender: { login: options.author, id: 7, type: "User" },
      },
    };
  }

  /** Sends a delivery as GitHub does: JSON, `X-GitHub-Event`, `X-GitHub-Delivery`, `X-Hub-Signature-256`. */
  async deliver(
    url: string,
    event: string,
    payload: Record<string, unknown>,
    options: { secret?: string | undefined; deliveryId?: string; signature?: string } = {},
  ): Promise<{ status: number; deliveryId: string; body: string }> {
    const body = Buffer.from(JSON.stringify(payload));
    const deliveryId = options.deliveryId ?? randomUUID();
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/fake",
      "x-github-event": event,
      "x-github-delivery": deliveryId,
      "x-github-hook-id": "1",
    };
    const signature =
      options.signature ?? (options.secret ? signWebhookBody(options.secret, body) : undefined);
    if (signature) headers["x-hub-signature-256"] = signature;
    const response = await fetch(url, { method: "POST", headers, body });
    return { status: response.status, deliveryId, body: await response.text() };
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    this.requests.push(`${request.method} ${url.pathname}`);
    const send = (status: number, body: unknown) =>
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      send(401, { message: "Requires authentication", documentation_url: "https://docs.github.com/rest" });
      return;
    }
    const match = /^\/repos\/([^/]+)\/([^/]+)\/(.*)$/.exec(url.pathname);
    const repository = match
      ? `${decodeURIComponent(match[1] ?? "")}/${decodeURIComponent(match[2] ?? "")}`
      : "";
    if (!match || !this.repositories.has(repository)) {
      send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
      return;
    }
    const rest = match[3] ?? "";
    const checkRun = /^check-runs\/(\d+)(\/annotations)?$/.exec(rest);
    if (checkRun && request.method === "GET") {
      const run = this.checkRuns.get(Number(checkRun[1]));
      if (!run || run.repository !== repository) {
        send(404, { message: "Not Found" });
        return;
      }
      if (checkRun[2]) {
        send(
          200,
          run.annotations.map((annotation) => ({
            ...annotation,
            end_line: annotation.start_line,
            title: null,
          })),
        );
        return;
      }
      send(200, {
        id: run.id,
        name: run.name,
        head_sha: run.headSha,
        status: "completed",
        conclusion: "failure",
        output: run.output,
      });
      return;
    }
    const permission = /^collaborators\/([^/]+)\/permission$/.exec(rest);
    if (permission && request.method === "GET") {
      const login = decodeURIComponent(permission[1] ?? "");
      const level = this.permissions.get(repository)?.get(login);
      if (!level) {
        send(404, { message: `${login} is not a user` });
        return;
      }
      send(200, { permission: level, role_name: level, user: { login } });
      return;
    }
    const reply = /^pulls\/(\d+)\/comments\/(\d+)\/replies$/.exec(rest);
    if (reply && request.method === "POST") {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { body?: unknown };
      if (typeof parsed.body !== "string" || parsed.body === "") {
        send(422, { message: "Validation Failed", errors: [{ field: "body", code: "missing_field" }] });
        return;
      }
      const id = this.id();
      this.replies.push({
        repository,
        pullRequest: Number(reply[1]),
        commentId: Number(reply[2]),
        body: parsed.body,
        authorization: request.headers.authorization,
      });
      send(201, {
        id,
        body: parsed.body,
        in_reply_to_id: Number(reply[2]),
        html_url: `https://github.com/${repository}/pull/${reply[1]}#discussion_r${id}`,
      });
      return;
    }
    send(404, { message: "Not Found" });
  }
}

function repositoryObject(fullName: string, owner: string, name: string) {
  return {
    id: 1296269,
    name,
    full_name: fullName,
    private: false,
    owner: { login: owner, id: 1, type: "Organization" },
    html_url: `https://github.com/${fullName}`,
    default_branch: "main",
  };
}
