import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { scaled } from "../helpers/time-scale.ts";
import { FakeAgentSessions } from "./fake-slack-agent-sessions.ts";
import { FakeAppManifests } from "./fake-slack-app-manifests.ts";
import { FakeCodeChannels } from "./fake-slack-code-channels.ts";
import { FakeSlackOAuth, type IssuedToken } from "./fake-slack-oauth.ts";
import { FakeStreams } from "./fake-slack-streams.ts";
import { FakeSlackUploads } from "./fake-slack-uploads.ts";
import { FakeWorkspaces } from "./fake-slack-workspaces.ts";
import { conformanceRefusal } from "./slack-conformance.ts";
import { FakeConversations } from "./slack-conversations.ts";
import { HistoryRateLimit } from "./slack-history-limits.ts";
import { readManifest } from "./slack-manifest.ts";
import { decodeFrame, encodeFrame } from "./websocket-frames.ts";

export {
  type SignedRequestOptions,
  sendSignedEvent,
  sendSignedInteraction,
  sendSignedJson,
} from "./slack-signing.ts";

/** One Web API call the fake received. Form fields that hold JSON (blocks, view) are parsed. */
export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  /** Milliseconds since the fake started. */
  at: number;
  /** What the fake answered: 200, 429 or 500. */
  status: number;
  /** The team whose bot token made the call: the fake's own, one of `workspaces`, or the team (or org) of a token `oauth.v2.access` issued. */
  teamId?: string | undefined;
  /** Slack's error when the fake answered `ok: false`. */
  error?: string;
}

/** A call real Slack would refuse or silently ignore because the app sent it wrong. */
export interface ConformanceViolation {
  method: string;
  error: string | undefined;
  reason: string;
}

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  /** The user's own workspace; the fake's team when absent. */
  teamId?: string;
  /** The user's Enterprise Grid organization, which `users.info` shows as `enterprise_user`. */
  enterpriseId?: string;
  isBot?: boolean;
  /** The user's IANA time zone, which `users.info` shows as `tz` (real Slack always does). */
  tz?: string;
  /** A deactivated account: `users.info` still answers, with `deleted: true`. */
  deleted?: boolean;
  /** A workspace admin or owner: `users.info` shows `is_admin` and `is_owner`. */
  isAdmin?: boolean;
  isOwner?: boolean;
}

export interface FakeThreadMessage {
  user?: string;
  bot_id?: string;
  username?: string;
  text: string;
  ts: string;
  thread_ts?: string;
  files?: { id: string; name: string }[];
}

export interface FakeFile {
  id: string;
  name: string;
  mimetype: string;
  content: Buffer | string;
  channels?: string[];
  /**
   * A remote file (`files.remote.add` by any app): Slack answers its `external_url` as
   * `url_private`, which can point to any host.
   */
  externalUrl?: string;
}

/** A posted message as Slack would now show it: the latest text and blocks after every update. */
export interface FakeMessage {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  text: string;
  blocks: unknown[];
  updates: number;
  /** Files shared with the message (files.completeUploadExternal). */
  files?: { id: string; name: string; title?: string }[];
}

const manifest = readManifest();

export interface FakeSlackOptions {
  /**
   * How long every Web API call takes to answer, `auth.test` included. Real Slack answers in
   * about 150 ms (`realisticSlackDelayMs`); 0, the default, answers at once.
   */
  responseDelayMs?: number;
}

/** About how long real Slack takes to answer a Web API call. */
export const realisticSlackDelayMs = 150;

type Injection =
  | { kind: "status"; status: 429 | 500; retryAfter?: number; times: number }
  | { kind: "error"; error: string; times: number };

const jsonFields = new Set(["blocks", "view", "attachments", "chunks", "prompts", "metadata"]);

function parseForm(body: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    if (jsonFields.has(key)) {
      try {
        params[key] = JSON.parse(value);
        continue;
      } catch {
        // A plain string where JSON was expected: keep it as sent.
      }
    }
    params[key] = value;
  }
  return params;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A recording fake of Slack's Web API on 127.0.0.1. Point the WebClient at `apiUrl`.
 * It answers like Slack (ok, ts, channel), keeps posted messages with their latest
 * content, serves files at `url_private`, and injects 429s, 500s and `ok: false` errors
 * per method. For Socket Mode it answers `apps.connections.open` with a WebSocket on the
 * same port, says hello, pushes event envelopes and records the client's acks. The App Manifest
 * API answers calls with `appManifests.configToken`; `auth.test`, like every bot call, names the
 * granted scopes in its `x-oauth-scopes` header.
 */
export class FakeSlackServer {
  readonly calls: RecordedCall[] = [];
  readonly messages = new Map<string, FakeMessage>();
  readonly botToken: string;
  readonly teamId = "T0TEAM";
  readonly botUserId = "U0BOT";
  readonly botId = "B0BOT";
  readonly appToken = "xapp-1-test-app-token";
  /** Socket Mode: acknowledgements received, by envelope id. */
  readonly socketAcks: string[] = [];
  private readonly sockets = new Set<Socket>();
  /** Socket Mode: where `apps.connections.open` sends clients instead of this server (an off-thread server). */
  socketModeUrl: string | undefined;
  /** Socket Mode: connections accepted so far (each got its `hello`). */
  socketConnections = 0;
  /** Socket Mode: while set, WebSocket upgrades are answered 503, as during a Slack outage. */
  private refusingSockets = false;
  private envelopeCounter = 0;
  private readonly server: Server;
  /** When the fake started (ms since the epoch): a call's `at` counts from here. */
  readonly startedAt = Date.now();
  private readonly injections = new Map<string, Injection[]>();
  private readonly users = new Map<string, FakeUser>();
  private readonly threads = new Map<string, FakeThreadMessage[]>();
  private readonly files = new Map<string, FakeFile>();
  private readonly usergroups = new Map<string, string[]>();
  /** Scopes the bot token was granted (the manifest's); a method needing another answers `missing_scope`. */
  readonly grantedScopes = new Set(manifest.oauth_config.scopes.bot);
  /** The installing organization `auth.test` reports, for an Enterprise Grid install. */
  enterpriseId: string | undefined;
  /** More workspaces, each with its own bot token, channels and people (many installations). */
  readonly workspaces = new FakeWorkspaces();
  /** Channel ids and their conversation types (DM, group DM, private, public). */
  readonly conversations = new FakeConversations();
  /** Streaming state of messages started with `chat.startStream`. */
  readonly streams = new FakeStreams();
  /**
   * Calls real Slack would refuse or ignore as malformed (missing arguments, Block Kit limits,
   * stream rules); `test/slack/support/harness.ts` fails a test that leaves any here.
   */
  readonly violations: ConformanceViolation[] = [];
  private readonly waiters = new Set<() => void>();
  private tsCounter = 0;
  private port = 0;
  readonly fileDownloads: { id: string; authorization: string | undefined }[] = [];
  /** Slack Code: `agents.conversations.*` and the code channels they make. */
  readonly codeChannels = new FakeCodeChannels({
    teamId: this.teamId,
    hasScope: (scope) => this.grantedScopes.has(scope),
    hasMessage: (channel, ts) => this.messages.has(`${channel}:${ts}`),
    shareInThread: (channel, threadTs, text) => {
      const ts = this.nextTs();
      this.messages.set(`${channel}:${ts}`, { channel, ts, threadTs, text, blocks: [], updates: 0 });
    },
  });
  /** The App Manifest API (`apps.manifest.*`), called with an app configuration token. */
  readonly appManifests = new FakeAppManifests();
  /** `agents.sessions.*`, off until a test enables it; it shares the streams above. */
  readonly agentSessions = new FakeAgentSessions(this.streams);
  /** files.uploadV2's three steps, and what was shared with them. */
  readonly uploads = new FakeSlackUploads({
    baseUrl: () => `http://127.0.0.1:${this.port}`,
    knownChannel: (channel) => /^[CDG][A-Z0-9]+$/.test(channel),
    share: (channel, threadTs, upload) => {
      const ts = this.nextTs();
      this.messages.set(`${channel}:${ts}`, {
        channel,
        ts,
        threadTs,
        text: "",
        blocks: [],
        updates: 0,
        files: [{ id: upload.id, name: upload.filename, ...(upload.title ? { title: upload.title } : {}) }],
      });
    },
  });
  /** `oauth.v2.access` (installs and token rotation), and the tokens it issued, accepted per team. */
  readonly oauth = new FakeSlackOAuth(manifest.oauth_config.scopes.bot);
  /** How long each Web API call waits before it is handled; a test may change it at any time. */
  responseDelayMs: number;
  /** Set by `limitHistoryLikeANonMarketplaceApp()`: history methods answer once a minute. */
  private historyLimit: HistoryRateLimit | undefined;

  constructor(botToken = "xoxb-test-token", options: FakeSlackOptions = {}) {
    this.botToken = botToken;
    this.responseDelayMs = options.responseDelayMs ?? 0;
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(500);
        response.end(String(error));
      });
    });
    this.server.on("upgrade", (request: IncomingMessage, socket: Socket) =>
      this.acceptSocket(request, socket),
    );
  }

  static async start(botToken?: string, options: FakeSlackOptions = {}): Promise<FakeSlackServer> {
    const fake = new FakeSlackServer(botToken, options);
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addUser(user: FakeUser): void {
    this.users.set(user.id, user);
  }

  /** Messages `conversations.replies` returns for a thread, parent first. */
  setThread(channel: string, threadTs: string, messages: FakeThreadMessage[]): void {
    this.threads.set(`${channel}:${threadTs}`, messages);
  }

  /** A user group (S…) and its members, for `usergroups.users.list`. */
  setUsergroup(id: string, members: string[]): void {
    this.usergroups.set(id, members);
  }

  addFile(file: FakeFile): void {
    this.files.set(file.id, file);
  }

  /** The next `times` calls to `method` get this HTTP status (429 with `Retry-After`, or 500). */
  failWithStatus(method: string, status: 429 | 500, options: { retryAfter?: number; times?: number } = {}) {
    this.inject(method, {
      kind: "status",
      status,
      retryAfter: options.retryAfter,
      times: options.times ?? 1,
    });
  }

  /**
   * From now on `conversations.replies` and `conversations.history` answer as Slack does a
   * distributed app outside the Marketplace: one call a minute per method (429 with Retry-After
   * otherwise) and at most 15 messages a page.
   */
  limitHistoryLikeANonMarketplaceApp(): void {
    this.historyLimit = new HistoryRateLimit();
  }

  /** The next `times` calls to `method` answer `{ ok: false, error }`, e.g. `invalid_blocks`. */
  failWithError(method: string, error: string, times = 1): void {
    this.inject(method, { kind: "error", error, times });
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method && call.status === 200);
  }

  /** Messages posted in one thread (parent excluded), oldest first. */
  threadMessages(channel: string, threadTs: string): FakeMessage[] {
    return [...this.messages.values()].filter(
      (message) => message.channel === channel && message.threadTs === threadTs,
    );
  }

  /** The newest message in the thread whose text starts with `prefix`. */
  latestThreadMessage(channel: string, threadTs: string, prefix: string): FakeMessage | undefined {
    return this.threadMessages(channel, threadTs)
      .filter((message) => message.text.startsWith(prefix))
      .at(-1);
  }

  /**
   * Resolves once `predicate` holds; checks after every call the fake answers. `timeoutMs` is the
   * wait on an idle machine, stretched by the machine's time scale.
   */
  async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + scaled(timeoutMs);
    for (;;) {
      const value = predicate();
      if (value) return value;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error("FakeSlackServer.waitFor timed out");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, Math.min(remaining, 50));
        function finish() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(finish);
      });
    }
  }

  private inject(method: string, injection: Injection): void {
    const list = this.injections.get(method) ?? [];
    list.push(injection);
    this.injections.set(method, list);
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `1800000000.${String(this.tsCounter).padStart(6, "0")}`;
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.method === "GET" && url.pathname.startsWith("/files/")) {
      this.serveFile(url.pathname.slice("/files/".length), request, response);
      return;
    }
    if (url.pathname.startsWith("/upload/")) {
      await this.uploads.receive(url.pathname.slice("/upload/".length), request, response);
      this.notify();
      return;
    }
    const method = url.pathname.replace(/^\/api\//, "");
    const body = await readBody(request);
    // Slack's own time to answer: the call takes effect, and is recorded, once it has passed.
    if (this.responseDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.responseDelayMs));
    const contentType = request.headers["content-type"] ?? "";
    const params = contentType.includes("application/json")
      ? (JSON.parse(body || "{}") as Record<string, unknown>)
      : parseForm(body);
    const authorization = request.headers.authorization;
    const call: RecordedCall = { method, params, at: Date.now() - this.startedAt, status: 200 };

    const retryAfter = this.historyLimit?.refusal(method);
    if (retryAfter !== undefined) {
      call.status = 429;
      this.calls.push(call);
      response.writeHead(429, { "content-type": "application/json", "retry-after": String(retryAfter) });
      response.end(JSON.stringify({ ok: false, error: "ratelimited" }));
      this.notify();
      return;
    }
    const injection = this.injections.get(method)?.[0];
    if (injection) {
      injection.times -= 1;
      if (injection.times <= 0) this.injections.get(method)?.shift();
      if (injection.kind === "status") {
        call.status = injection.status;
        this.calls.push(call);
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (injection.status === 429) headers["retry-after"] = String(injection.retryAfter ?? 1);
        response.writeHead(injection.status, headers);
        response.end(
          JSON.stringify({ ok: false, error: injection.status === 429 ? "ratelimited" : "fatal" }),
        );
        this.notify();
        return;
      }
      call.error = injection.error;
      this.calls.push(call);
      this.reply(response, { ok: false, error: injection.error });
      return;
    }
    this.calls.push(call);
    if (method.startsWith("apps.manifest.")) {
      const answer = this.appManifests.answer(method, params, authorization);
      if (answer.ok === false && typeof answer.error === "string") call.error = answer.error;
      this.reply(response, answer);
      return;
    }
    if (method === "apps.connections.open") {
      this.reply(
        response,
        authorization === `Bearer ${this.appToken}`
          ? { ok: true, url: this.socketModeUrl ?? `ws://127.0.0.1:${this.port}/socket-mode` }
          : { ok: false, error: "invalid_auth" },
      );
      return;
    }
    if (method === "oauth.v2.access") {
      const answer = this.oauth.answer(params);
      if (answer.ok === false && typeof answer.error === "string") call.error = answer.error;
      this.reply(response, answer);
      return;
    }
    const issued = this.oauth.issued(authorization);
    const refused = issued ? this.oauth.refusal(issued) : undefined;
    const workspace = issued ? undefined : this.workspaces.byAuthorization(authorization);
    if (refused || (!issued && !workspace && authorization !== `Bearer ${this.botToken}`)) {
      call.error = refused ?? "invalid_auth";
      this.reply(response, { ok: false, error: call.error });
      return;
    }
    call.teamId = issued ? (issued.teamId ?? issued.enterpriseId) : (workspace?.teamId ?? this.teamId);
    const foreign = call.teamId ? this.workspaces.refusal(call.teamId, method, params) : undefined;
    if (foreign) {
      call.error = foreign;
      this.reply(response, { ok: false, error: foreign });
      return;
    }
    if (workspace && method === "auth.test") {
      const { teamId, enterpriseId, botUserId, botId } = workspace;
      const identity = { team_id: teamId, user_id: botUserId, bot_id: botId };
      this.reply(response, {
        ok: true,
        ...identity,
        ...(enterpriseId ? { enterprise_id: enterpriseId } : {}),
      });
      return;
    }
    const answer =
      (issued && method === "auth.test" ? this.issuedAuthTest(issued) : undefined) ??
      (issued && method === "auth.teams.list" ? this.oauth.teams(issued) : undefined) ??
      (issued && method === "auth.revoke" ? this.oauth.revokeToken(issued) : undefined) ??
      this.uploads.answer(method, params) ??
      this.answer(method, params);
    if (answer.ok === false && typeof answer.error === "string") call.error = answer.error;
    this.agentSessions.observe(method, params, answer);
    this.reply(response, answer, { "x-oauth-scopes": [...this.grantedScopes].join(",") });
  }

  /** `auth.test` for a token `oauth.v2.access` issued: its own team, organization and bot user. */
  private issuedAuthTest(issued: IssuedToken): Record<string, unknown> {
    return {
      ok: true,
      url: `https://${(issued.teamId ?? issued.enterpriseId ?? "org").toLowerCase()}.slack.com/`,
      team: issued.teamId ?? issued.enterpriseId,
      team_id: issued.teamId ?? "",
      ...(issued.enterpriseId ? { enterprise_id: issued.enterpriseId } : {}),
      ...(issued.isEnterpriseInstall ? { is_enterprise_install: true } : {}),
      user: "threadwork",
      user_id: issued.botUserId,
      bot_id: `B${issued.botUserId.slice(1)}`,
    };
  }

  private reply(
    response: ServerResponse,
    payload: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): void {
    response.writeHead(200, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify(payload));
    this.notify();
  }

  private answer(method: string, params: Record<string, unknown>): Record<string, unknown> {
    const channel = typeof params.channel === "string" ? params.channel : undefined;
    const refusal = conformanceRefusal(method, params, {
      conversations: this.conversations,
      grantedScopes: this.grantedScopes,
      agentView: manifest.features.agent_view !== undefined,
    });
    if (refusal?.violation) this.violations.push({ method, error: refusal.error, reason: refusal.violation });
    if (refusal?.error) return { ok: false, error: refusal.error, ...refusal.extra };
    if (refusal) return { ok: true };
    const session = this.agentSessions.answer(method, params);
    if (session) return session;
    if (method.startsWith("agents.conversations.")) return this.codeChannels.answer(method, params);
    if (method.startsWith("chat.") && this.codeChannels.isArchived(channel))
      return { ok: false, error: "is_archived" };
    const streamRefusal =
      method === "chat.appendStream" || method === "chat.stopStream"
        ? this.streams.refusal(channel ?? "", String(params.ts))
        : undefined;
    if (streamRefusal && this.messages.has(`${channel}:${String(params.ts)}`)) {
      return { ok: false, error: streamRefusal };
    }
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://threadwork-test.slack.com/",
          team: "Threadwork Test",
          team_id: this.teamId,
          ...(this.enterpriseId ? { enterprise_id: this.enterpriseId } : {}),
          user: "threadwork",
          user_id: this.botUserId,
          bot_id: this.botId,
        };
      case "chat.postMessage":
      case "chat.startStream": {
        const ts = this.nextTs();
        const threadTs = typeof params.thread_ts === "string" ? params.thread_ts : undefined;
        const text = String(params.text ?? params.markdown_text ?? "");
        this.messages.set(`${channel}:${ts}`, {
          channel: channel ?? "",
          ts,
          threadTs,
          text,
          blocks: Array.isArray(params.blocks) ? params.blocks : [],
          updates: 0,
        });
        if (method === "chat.startStream") this.streams.started(channel ?? "", ts, threadTs);
        return { ok: true, channel, ts, message: { text, ts } };
      }
      case "chat.update":
      case "chat.appendStream":
      case "chat.stopStream": {
        const message = this.messages.get(`${channel}:${String(params.ts)}`);
        if (!message) return { ok: false, error: "message_not_found" };
        if (method === "chat.update") {
          message.text = String(params.text ?? params.markdown_text ?? message.text);
          if (Array.isArray(params.blocks)) message.blocks = params.blocks;
        } else if (typeof params.markdown_text === "string") {
          message.text += params.markdown_text;
        }
        message.updates += 1;
        if (method === "chat.stopStream") this.streams.stopped(message.channel, message.ts);
        return { ok: true, channel, ts: message.ts };
      }
      case "chat.postEphemeral":
        return { ok: true, message_ts: this.nextTs() };
      case "chat.getPermalink":
        return {
          ok: true,
          channel,
          permalink: `https://threadwork-test.slack.com/archives/${channel}/p${String(params.message_ts).replace(".", "")}`,
        };
      case "views.open":
      case "views.publish":
        return { ok: true, view: { id: `V${this.nextTs().replace(".", "")}`, ...(params.view as object) } };
      case "conversations.replies": {
        const messages = this.threads.get(`${channel}:${String(params.ts)}`) ?? [];
        const limit =
          this.historyLimit?.pageSize(method, Number(params.limit ?? 1000)) ?? Number(params.limit ?? 1000);
        const start = Number(params.cursor ?? 0);
        const page = messages.slice(start, start + limit);
        const next = start + limit < messages.length ? String(start + limit) : "";
        return { ok: true, messages: page, has_more: next !== "", response_metadata: { next_cursor: next } };
      }
      case "conversations.info":
        return this.conversations.info(String(params.channel ?? ""), (scope) =>
          this.grantedScopes.has(scope),
        );
      case "usergroups.users.list": {
        if (!this.grantedScopes.has("usergroups:read")) {
          return { ok: false, error: "missing_scope", needed: "usergroups:read", provided: "chat:write" };
        }
        const members = this.usergroups.get(String(params.usergroup));
        if (!members) return { ok: false, error: "no_such_subteam" };
        return { ok: true, users: members };
      }
      case "users.info": {
        if (!this.grantedScopes.has("users:read")) {
          return { ok: false, error: "missing_scope", needed: "users:read", provided: "chat:write" };
        }
        const user = this.users.get(String(params.user));
        if (!user) return { ok: false, error: "user_not_found" };
        return {
          ok: true,
          user: {
            id: user.id,
            name: user.name,
            real_name: user.realName ?? user.name,
            team_id: user.teamId ?? this.teamId,
            ...(user.enterpriseId
              ? { enterprise_user: { id: user.id, enterprise_id: user.enterpriseId, teams: [user.teamId] } }
              : {}),
            is_bot: user.isBot ?? false,
            ...(user.tz ? { tz: user.tz } : {}),
            deleted: user.deleted ?? false,
            is_admin: user.isAdmin ?? user.isOwner ?? false,
            is_owner: user.isOwner ?? false,
            is_primary_owner: false,
            profile: { display_name: user.name, real_name: user.realName ?? user.name },
          },
        };
      }
      case "conversations.open": {
        // The app's DM with one person: the same `D…` id every time.
        const users = String(params.users ?? "").split(",");
        if (users.length !== 1 || !this.users.has(users[0] ?? ""))
          return { ok: false, error: "user_not_found" };
        return { ok: true, channel: { id: `D${users[0]?.slice(1)}` } };
      }
      case "files.info": {
        const file = this.files.get(String(params.file));
        if (!file) return { ok: false, error: "file_not_found" };
        const size = Buffer.byteLength(file.content);
        return {
          ok: true,
          file: {
            id: file.id,
            name: file.name,
            mimetype: file.mimetype,
            size,
            channels: file.channels ?? [],
            ...(file.externalUrl
              ? { is_external: true, external_type: "app", url_private: file.externalUrl }
              : {
                  url_private: `http://127.0.0.1:${this.port}/files/${file.id}`,
                  url_private_download: `http://127.0.0.1:${this.port}/files/${file.id}?download=1`,
                }),
          },
        };
      }
      default:
        // reactions.add, assistant.threads.*, and anything else a test does not inspect.
        return { ok: true };
    }
  }

  /** Socket Mode: whether a client is connected (it got its `hello`). */
  get socketConnected(): boolean {
    return this.sockets.size > 0;
  }

  /**
   * Socket Mode outage: every open connection drops without a close frame, and new
   * connections are refused (503 on the upgrade) until `restoreSocketMode()`.
   */
  dropSocketMode(): void {
    this.refusingSockets = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** Socket Mode: asks every client to reconnect, as Slack does before it recycles a connection. */
  refreshSocketMode(): void {
    const message = JSON.stringify({
      type: "disconnect",
      reason: "refresh_requested",
      debug_info: { host: "fake-slack" },
    });
    for (const socket of this.sockets) socket.write(encodeFrame(0x1, Buffer.from(message)));
  }

  /** Ends a `dropSocketMode()` outage: the client's next attempt connects. */
  restoreSocketMode(): void {
    this.refusingSockets = false;
  }

  /** Socket Mode: sends an Events API envelope to every connected client; returns its envelope id. */
  sendSocketEvent(envelope: { event_id: string; team_id: string; event: Record<string, unknown> }): string {
    this.envelopeCounter += 1;
    const envelopeId = `envelope-${this.envelopeCounter}`;
    const message = JSON.stringify({
      envelope_id: envelopeId,
      type: "events_api",
      accepts_response_payload: false,
      retry_attempt: 0,
      retry_reason: "",
      payload: {
        token: "verification-token",
        team_id: envelope.team_id,
        api_app_id: "A0APP",
        type: "event_callback",
        event_id: envelope.event_id,
        event_time: Math.floor(Date.now() / 1000),
        event: envelope.event,
      },
    });
    for (const socket of this.sockets) socket.write(encodeFrame(0x1, Buffer.from(message)));
    return envelopeId;
  }

  private acceptSocket(request: IncomingMessage, socket: Socket): void {
    const key = request.headers["sec-websocket-key"];
    if (typeof key !== "string" || !request.url?.startsWith("/socket-mode")) {
      socket.destroy();
      return;
    }
    if (this.refusingSockets) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      this.notify();
      return;
    }
    const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    this.sockets.add(socket);
    this.socketConnections += 1;
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => this.sockets.delete(socket));
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const frame = decodeFrame(buffered);
        if (!frame) break;
        buffered = buffered.subarray(frame.length);
        if (frame.opcode === 0x9) socket.write(encodeFrame(0xa, frame.payload));
        else if (frame.opcode === 0x8) {
          socket.end(encodeFrame(0x8, frame.payload));
          this.sockets.delete(socket);
        } else if (frame.opcode === 0x1) {
          const parsed = JSON.parse(frame.payload.toString("utf8")) as { envelope_id?: string };
          if (parsed.envelope_id) this.socketAcks.push(parsed.envelope_id);
          this.notify();
        }
      }
    });
    socket.write(
      encodeFrame(
        0x1,
        Buffer.from(
          JSON.stringify({ type: "hello", num_connections: 1, connection_info: { app_id: "A0APP" } }),
        ),
      ),
    );
    this.notify();
  }

  private serveFile(id: string, request: IncomingMessage, response: ServerResponse): void {
    this.fileDownloads.push({ id, authorization: request.headers.authorization });
    const file = this.files.get(id);
    if (!file || request.headers.authorization !== `Bearer ${this.botToken}`) {
      response.writeHead(404);
      response.end();
      return;
    }
    response.writeHead(200, { "content-type": file.mimetype });
    response.end(file.content);
  }
}
