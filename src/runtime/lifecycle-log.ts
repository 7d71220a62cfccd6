import type { Logger } from "pino";
import type { Database } from "../adapters/database/open-database.ts";
import { getSession } from "../adapters/database/sessions.ts";
import type { SurfaceEvent } from "./surface-port.ts";

/** Sessions whose thread is remembered; past this the memory starts over. */
const rememberedSessions = 10_000;
/** Requests already logged as waiting on a person; past this the memory starts over. */
const rememberedRequests = 10_000;

/**
 * Logs the life of sessions and agents at `info` (a failure at `warn`): every line carries
 * the session, the agent and the thread (`surface:conversation`) it belongs to, and an
 * `event` field to filter on. Only ids, states and our own reasons: no prompt, reply or brief.
 */
export class LifecycleLog {
  private readonly threads = new Map<string, string>();
  /** A resumed step or a restart announces a pending request again; it is logged once. */
  private readonly announcedRequests = new Set<string>();
  private readonly db: Database;
  private readonly logger: Logger;

  constructor(options: { db: Database; logger: Logger }) {
    this.db = options.db;
    this.logger = options.logger;
  }

  sessionStarted(session: { id: string; surface: string; conversationKey: string; ownerId: string }): void {
    this.remember(session.id, `${session.surface}:${session.conversationKey}`);
    void this.write(session.id, undefined, (log) =>
      log.info({ event: "session-started", ownerId: session.ownerId }, "session started"),
    );
  }

  agentSpawned(agent: { id: string; sessionId: string; parentId: string | null; model: string }): void {
    void this.write(agent.sessionId, agent.id, (log) =>
      log.info({ event: "agent-spawned", parentId: agent.parentId, model: agent.model }, "agent spawned"),
    );
  }

  /** The runtime's own events, as it emits them to surfaces. */
  readonly record = (event: SurfaceEvent): void => {
    switch (event.type) {
      case "agent-started":
        void this.write(event.sessionId, event.agent.id, (log) =>
          log.info({ event: event.type, role: event.agent.role, model: event.agent.model }, "agent started"),
        );
        return;
      case "agent-finished":
        void this.write(event.sessionId, event.agent.id, (log) =>
          log.info(
            { event: event.type, role: event.agent.role, costMicros: event.agent.costMicros },
            "agent finished",
          ),
        );
        return;
      case "agent-failed":
        void this.write(event.sessionId, event.agent.id, (log) =>
          log.warn({ event: event.type, role: event.agent.role, reason: event.reason }, "agent failed"),
        );
        return;
      case "agent-cancelled":
        void this.write(event.sessionId, event.agent.id, (log) =>
          log.info({ event: event.type, role: event.agent.role }, "agent cancelled"),
        );
        return;
      case "question-asked":
      case "approval-requested":
      case "budget-reached":
        if (this.announcedRequests.has(event.request.id)) return;
        if (this.announcedRequests.size >= rememberedRequests) this.announcedRequests.clear();
        this.announcedRequests.add(event.request.id);
        void this.write(event.sessionId, event.request.agentId, (log) =>
          log.info(
            { event: event.type, requestId: event.request.id, kind: event.request.kind },
            `waiting on a person: ${event.request.kind}`,
          ),
        );
        return;
      case "request-decided":
        void this.write(event.sessionId, event.request.agentId, (log) =>
          log.info(
            {
              event: event.type,
              requestId: event.request.id,
              kind: event.request.kind,
              status: event.request.status,
              decidedBy: event.request.decidedBy,
            },
            `${event.request.kind} decided: ${event.request.status}`,
          ),
        );
        return;
      default:
        // `session-idle` tells surfaces the supervisor rests, also while workers still work or
        // wait on a person: the line is `sessionIdle`, written when the work is really over.
        return;
    }
  };

  /** The supervisor rests and no worker runs, queues or waits: nothing happens until a message. */
  sessionIdle(sessionId: string): void {
    void this.write(sessionId, undefined, (log) =>
      log.info({ event: "session-idle" }, "session idle: its work is done until the next message"),
    );
  }

  workspaceCreated(workspace: { sessionId: string; agentId: string; repo: string; branch: string }): void {
    void this.write(workspace.sessionId, workspace.agentId, (log) =>
      log.info(
        { event: "workspace-created", repo: workspace.repo, branch: workspace.branch },
        "workspace created",
      ),
    );
  }

  /** Someone the approval policy does not allow tried to decide: who, which request, which policy. */
  decisionRefused(refusal: {
    sessionId: string;
    agentId: string;
    requestId: string;
    kind: string;
    userId: string;
    policy: string;
  }): void {
    void this.write(refusal.sessionId, refusal.agentId, (log) =>
      log.info(
        {
          event: "decision-refused",
          requestId: refusal.requestId,
          kind: refusal.kind,
          userId: refusal.userId,
          policy: refusal.policy,
        },
        `${refusal.kind} decision refused: not allowed by the ${refusal.policy} policy`,
      ),
    );
  }

  /** A logger bound to the session, its thread and the agent. */
  private async loggerFor(sessionId: string, agentId?: string): Promise<Logger> {
    const thread = await this.threadOf(sessionId);
    return this.logger.child({ sessionId, ...(agentId ? { agentId } : {}), thread });
  }

  private async write(
    sessionId: string,
    agentId: string | undefined,
    line: (log: Logger) => void,
  ): Promise<void> {
    try {
      line(await this.loggerFor(sessionId, agentId));
    } catch {
      // The lookup failed (the database): log without the thread rather than not at all.
      line(this.logger.child({ sessionId, ...(agentId ? { agentId } : {}) }));
    }
  }

  private async threadOf(sessionId: string): Promise<string | undefined> {
    const known = this.threads.get(sessionId);
    if (known !== undefined) return known;
    const session = await getSession(this.db, sessionId);
    if (!session) return undefined;
    const thread = `${session.surface}:${session.conversationKey}`;
    this.remember(sessionId, thread);
    return thread;
  }

  private remember(sessionId: string, thread: string): void {
    if (this.threads.size >= rememberedSessions) this.threads.clear();
    this.threads.set(sessionId, thread);
  }
}
