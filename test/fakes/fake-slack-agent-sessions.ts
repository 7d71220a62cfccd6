import type { types } from "@slack/bolt";
import type { FakeStreams } from "./fake-slack-streams.ts";

/**
 * Slack's agent sessions in the fake Web API (docs.slack.dev/ai/agent-sessions):
 * `agents.sessions.setStatus` and `agents.sessions.rename`, the session a stream creates and
 * the status `chat.stopStream` leaves, the hour after which `processing` lapses to `active`,
 * and the two events a person causes: Stop (`agent_session_stopped`) and a rename
 * (`agent_session_title_changed`). Off by default, like an app not declared as an agent:
 * every method then answers `not_allowed`. Streams are the main fake's `FakeStreams`: Stop
 * ends them there, so appends and stops after it are refused as Slack refuses them.
 */

export const sessionStatuses = ["active", "processing", "suspended", "closed"] as const;
export type FakeSessionStatus = (typeof sessionStatuses)[number];

/** Slack turns `processing` back into `active` when it is not re-sent within an hour. */
export const processingLapseMs = 3600 * 1000;

export interface FakeAgentSession {
  channel: string;
  /** Absent for a session channel (a code channel is the session). */
  threadTs: string | undefined;
  status: FakeSessionStatus;
  title: string | undefined;
  initiatorUserId: string | undefined;
  /** When `processing` was last set, on the fake's clock. */
  processingSetAt: number;
  /** Every status set, by whom (`setStatus`, `startStream`, `stopStream`), on the fake's clock. */
  history: { status: FakeSessionStatus; at: number; via: string }[];
}

function isStatus(value: unknown): value is FakeSessionStatus {
  return typeof value === "string" && (sessionStatuses as readonly string[]).includes(value);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export class FakeAgentSessions {
  enabled = false;
  /** What every method answers while the app has no agent sessions. */
  disabledError = "not_allowed";
  /** Without the `agent_session_stopped` subscription, Slack shows no Stop button and warns. */
  subscribedToStop = true;
  /** The fake's clock for the `processing` hour; tests move it by hand. */
  now: () => number = () => Date.now();
  /** Channels that are sessions themselves (code channels): their calls omit `thread_ts`. */
  readonly sessionChannels = new Set<string>();
  readonly sessions = new Map<string, FakeAgentSession>();
  private readonly streams: FakeStreams;
  private eventCounter = 0;

  constructor(streams: FakeStreams) {
    this.streams = streams;
  }

  enable(options: { now?: () => number } = {}): void {
    this.enabled = true;
    if (options.now) this.now = options.now;
  }

  /** The session's status as Slack shows it now (`processing` lapses after an hour). */
  statusOf(channel: string, threadTs: string | undefined): FakeSessionStatus | undefined {
    const session = this.sessions.get(this.keyOf(channel, threadTs));
    if (!session) return undefined;
    this.lapse(session);
    return session.status;
  }

  session(channel: string, threadTs: string | undefined): FakeAgentSession | undefined {
    const session = this.sessions.get(this.keyOf(channel, threadTs));
    if (session) this.lapse(session);
    return session;
  }

  /** The answer to an `agents.sessions.*` call; undefined for any other method. */
  answer(method: string, params: Record<string, unknown>): Record<string, unknown> | undefined {
    if (method !== "agents.sessions.setStatus" && method !== "agents.sessions.rename") return undefined;
    if (!this.enabled) return { ok: false, error: this.disabledError };
    const channel = text(params.channel_id);
    const threadTs = text(params.thread_ts);
    if (!channel) return { ok: false, error: "invalid_arguments" };
    // A thread session needs its thread; a session channel must not name one.
    if (this.sessionChannels.has(channel) ? threadTs !== undefined : threadTs === undefined) {
      return { ok: false, error: "invalid_arguments" };
    }
    return method === "agents.sessions.setStatus"
      ? this.setStatus(channel, threadTs, params)
      : this.rename(channel, threadTs, params);
  }

  /** What a stream does to the session, once the main fake accepted the call. */
  observe(method: string, params: Record<string, unknown>, response: Record<string, unknown>): void {
    if (!this.enabled || response.ok !== true) return;
    const channel = text(params.channel) ?? "";
    if (method === "chat.startStream") {
      // Streaming creates the session if needed and sets it to `processing`.
      this.apply(this.sessionFor(channel, text(params.thread_ts)), "processing", "startStream");
      return;
    }
    if (method === "chat.stopStream") {
      const threadTs = this.streams.threadOf(channel, text(params.ts) ?? "");
      if (threadTs === undefined) return;
      const status = isStatus(params.session_status) ? params.session_status : "active";
      this.apply(this.sessionFor(channel, threadTs), status, "stopStream");
    }
  }

  /**
   * A person presses Stop. It shows only while the session is `processing` and the app
   * subscribes to the event; Slack stops the thread's streams and leaves the status alone.
   */
  pressStop(options: { channel: string; threadTs: string; user: string }): types.AgentSessionStoppedEvent {
    const { channel, threadTs, user } = options;
    if (!this.subscribedToStop)
      throw new Error("no Stop button without the agent_session_stopped subscription");
    if (this.statusOf(channel, threadTs) !== "processing") {
      throw new Error(`no Stop button: the session is ${this.statusOf(channel, threadTs) ?? "missing"}`);
    }
    const stopped = this.streams.streamingIn(channel, threadTs);
    for (const ts of stopped) this.streams.stopByUser(channel, ts);
    return {
      type: "agent_session_stopped",
      channel,
      user,
      thread_ts: threadTs,
      streaming_message_ts: stopped,
      event_ts: this.nextEventTs(),
    };
  }

  /** A person renames the session in Slack (anyone in the channel may). */
  renameByPerson(options: {
    channel: string;
    threadTs: string;
    user: string;
    teamId: string;
    title: string;
  }): types.AgentSessionTitleChangedEvent {
    const session = this.sessions.get(this.keyOf(options.channel, options.threadTs));
    if (!session) throw new Error("no session to rename");
    const previous = session.title;
    session.title = options.title;
    return {
      type: "agent_session_title_changed",
      channel: options.channel,
      user: options.user,
      team_id: options.teamId,
      thread_ts: options.threadTs,
      title: options.title,
      ...(previous !== undefined ? { previous_title: previous } : {}),
      event_ts: this.nextEventTs(),
    };
  }

  private setStatus(
    channel: string,
    threadTs: string | undefined,
    params: Record<string, unknown>,
  ): Record<string, unknown> {
    const status = params.status;
    if (!isStatus(status)) return { ok: false, error: "invalid_arguments" };
    const title = params.title;
    if (title !== undefined && (typeof title !== "string" || title.length > 200)) {
      return { ok: false, error: "invalid_arguments" };
    }
    const key = this.keyOf(channel, threadTs);
    const existing = this.sessions.get(key);
    // Title and initiator count only when the call creates the session.
    const session =
      existing ??
      this.create(channel, threadTs, {
        title: text(title),
        initiatorUserId: text(params.initiator_user_id),
      });
    this.apply(session, status, "setStatus");
    const warning = this.subscribedToStop
      ? {}
      : { warning: "missing_agent_session_stopped_event_subscription" };
    const metadata = this.subscribedToStop
      ? {}
      : { response_metadata: { warnings: ["missing_agent_session_stopped_event_subscription"] } };
    return {
      ok: true,
      status: session.status,
      agent_status: session.status,
      ...(session.title !== undefined ? { title: session.title } : {}),
      ...warning,
      ...metadata,
    };
  }

  private rename(channel: string, threadTs: string | undefined, params: Record<string, unknown>) {
    const title = params.title;
    if (typeof title !== "string" || title.length === 0 || title.length > 200) {
      return { ok: false, error: "invalid_arguments" };
    }
    const session = this.sessions.get(this.keyOf(channel, threadTs));
    if (!session) return { ok: false, error: "session_not_found" };
    session.title = title;
    return { ok: true, title };
  }

  private sessionFor(channel: string, threadTs: string | undefined): FakeAgentSession {
    return (
      this.sessions.get(this.keyOf(channel, threadTs)) ??
      this.create(channel, threadTs, { title: undefined, initiatorUserId: undefined })
    );
  }

  private create(
    channel: string,
    threadTs: string | undefined,
    options: { title: string | undefined; initiatorUserId: string | undefined },
  ): FakeAgentSession {
    const session: FakeAgentSession = {
      channel,
      threadTs,
      status: "active",
      title: options.title,
      initiatorUserId: options.initiatorUserId,
      processingSetAt: 0,
      history: [],
    };
    this.sessions.set(this.keyOf(channel, threadTs), session);
    return session;
  }

  private apply(session: FakeAgentSession, status: FakeSessionStatus, via: string): void {
    const at = this.now();
    session.status = status;
    if (status === "processing") session.processingSetAt = at;
    session.history.push({ status, at, via });
  }

  private lapse(session: FakeAgentSession): void {
    if (session.status !== "processing") return;
    const lapsedAt = session.processingSetAt + processingLapseMs;
    if (this.now() < lapsedAt) return;
    session.status = "active";
    session.history.push({ status: "active", at: lapsedAt, via: "lapse" });
  }

  private keyOf(channel: string, threadTs: string | undefined): string {
    return `${channel}:${threadTs ?? ""}`;
  }

  private nextEventTs(): string {
    this.eventCounter += 1;
    return `1800001000.${String(this.eventCounter).padStart(6, "0")}`;
  }
}
