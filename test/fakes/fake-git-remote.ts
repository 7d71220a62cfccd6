import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedPullRequest {
  owner: string;
  repo: string;
  authorization: string | undefined;
  body: { title?: string; head?: string; base?: string; body?: string; draft?: boolean };
}

export interface FakeGitRemote {
  /** `http://127.0.0.1:<port>/<path>`, e.g. url("acme/widgets.git"). */
  url(path: string): string;
  /** `127.0.0.1:<port>`, to register as a GitHub host. */
  host: string;
  /** Base URL of the fake GitHub REST API. */
  apiUrl: string;
  pullRequests: RecordedPullRequest[];
  /** How many git requests were refused for a missing or wrong token. */
  refusedRequests: number;
  close(): Promise<void>;
}

/**
 * A local HTTP git remote: real `git http-backend` behind node:http, with Basic auth
 * whose password must equal `token` (any username), plus a fake GitHub pulls endpoint
 * under `/api`. Bare repositories live under `projectRoot`.
 */
export async function startFakeGitRemote(options: {
  projectRoot: string;
  token: string;
}): Promise<FakeGitRemote> {
  const pullRequests: RecordedPullRequest[] = [];
  let refusedRequests = 0;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname.startsWith("/api/")) {
      handleGitHub(request, response, url, pullRequests, port);
      return;
    }
    if (!authorized(request.headers.authorization, options.token)) {
      refusedRequests += 1;
      response.writeHead(401, { "WWW-Authenticate": 'Basic realm="fake"' }).end("unauthorized");
      return;
    }
    serveGit(request, response, url, options.projectRoot);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const host = `127.0.0.1:${port}`;
  return {
    url: (path) => `http://${host}/${path}`,
    host,
    apiUrl: `http://${host}/api`,
    pullRequests,
    get refusedRequests() {
      return refusedRequests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function authorized(header: string | undefined, token: string): boolean {
  if (!header?.startsWith("Basic ")) return false;
  const decoded = Buffer.from(header.slice("Basic ".length), "base64").toString("utf8");
  return decoded.slice(decoded.indexOf(":") + 1) === token;
}

function serveGit(request: IncomingMessage, response: ServerResponse, url: URL, projectRoot: string): void {
  const backend = spawn("git", ["http-backend"], {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: "1",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: request.method ?? "GET",
      CONTENT_TYPE: request.headers["content-type"] ?? "",
      HTTP_CONTENT_ENCODING: request.headers["content-encoding"] ?? "",
      GIT_PROTOCOL: String(request.headers["git-protocol"] ?? ""),
      // Setting REMOTE_USER enables receive-pack (push) in http-backend.
      REMOTE_USER: "threadwork",
      REMOTE_ADDR: "127.0.0.1",
    },
  });
  request.pipe(backend.stdin);
  let buffer = Buffer.alloc(0);
  let headersSent = false;
  backend.stdout.on("data", (chunk: Buffer) => {
    if (headersSent) {
      response.write(chunk);
      return;
    }
    buffer = Buffer.concat([buffer, chunk]);
    const end = buffer.indexOf("\r\n\r\n");
    if (end === -1) return;
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of buffer.subarray(0, end).toString("utf8").split("\r\n")) {
      const separator = line.indexOf(":");
      const name = line.slice(0, separator).trim();
      const value = line.slice(separator + 1).trim();
      if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    response.writeHead(status, headers);
    headersSent = true;
    response.write(buffer.subarray(end + 4));
  });
  backend.stderr.resume();
  backend.on("close", () => {
    if (!headersSent) response.writeHead(500);
    response.end();
  });
}

function handleGitHub(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  pullRequests: RecordedPullRequest[],
  port: number,
): void {
  const match = /^\/api\/repos\/([^/]+)\/([^/]+)\/pulls$/.exec(url.pathname);
  if (!match?.[1] || !match[2]) {
    response.writeHead(404).end();
    return;
  }
  const owner = match[1];
  const repo = match[2];
  let text = "";
  request.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  request.on("end", () => {
    if (request.method === "GET") {
      const head = url.searchParams.get("head")?.split(":")[1];
      const found = pullRequests
        .map((pull, index) => ({ pull, index }))
        .filter(({ pull }) => pull.owner === owner && pull.repo === repo && pull.body.head === head)
        .map(({ index }) => ({ html_url: `http://127.0.0.1:${port}/${owner}/${repo}/pull/${index + 1}` }));
      response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(found));
      return;
    }
    const body = JSON.parse(text) as RecordedPullRequest["body"];
    if (
      pullRequests.some((pull) => pull.owner === owner && pull.repo === repo && pull.body.head === body.head)
    ) {
      response
        .writeHead(422, { "Content-Type": "application/json" })
        .end('{"message":"A pull request already exists"}');
      return;
    }
    pullRequests.push({ owner, repo, authorization: request.headers.authorization, body });
    const number = pullRequests.length;
    response
      .writeHead(201, { "Content-Type": "application/json" })
      .end(JSON.stringify({ number, html_url: `http://127.0.0.1:${port}/${owner}/${repo}/pull/${number}` }));
  });
}
