import { createHash } from "node:crypto";
import type { RequestSnapshot } from "../../domain/requests.ts";
import type { Logger } from "../../logger.ts";
import type { RuntimeApi } from "../../runtime/runtime-api.ts";
import type { AttachedFile, SurfaceEvent } from "../../runtime/surface-port.ts";
import type { AgentSessions } from "./agent-sessions.ts";
import { renderApproval } from "./blocks/approval.ts";
import type { RenderedMessage } from "./blocks/block.ts";
import { renderBudget } from "./blocks/budget.ts";
import { renderSetupFailure } from "./blocks/environment-setup.ts";
import { renderPlan } from "./blocks/fan-out-plan.ts";
import { renderMcpServerUnavailable } from "./blocks/mcp-server-unavailable.ts";
import { renderQuestion } from "./blocks/question.ts";
import { renderResults } from "./blocks/results.ts";
import { renderTurnFailed, turnFailedPurpose } from "./blocks/turn-failed.ts";
import type { CrewBoardPublisher } from "./crew-board-publisher.ts";
import { KeyedQueue } from "./keyed-queue.ts";
import type { MessagePublisher } from "./message-publisher.ts";
import { publishPlan, redrawPlan } from "./plan-messages.ts";
import type { ReplyStreamer } from "./replies/reply-streamer.ts";
import type { SessionThreads, SlackThread } from "./session-threads.ts";

export function renderRequest(request: RequestSnapshot): RenderedMessage {
  if (request.kind === "question") return renderQuestion(request);
  if (request.kind === "approval") return renderApproval(request);
  if (request.kind === "plan") return renderPlan(request, "plan");
  return renderBudget(request);
}

export function requestPurpose(requestId: string): string {
  return `request:${requestId}`;
}

const terminal = new Set(["done", "failed", "cancelled"]);

/** Turns runtime events into Slack messages. Events of one session are handled in order. */
export class EventRenderer {
  private readonly queue = new KeyedQueue();
  private readonly deps: {
    runtime: RuntimeApi;
    threads: SessionThreads;
    publisher: MessagePublisher;
    board: CrewBoardPublisher;
    replies: ReplyStreamer;
    sessions: AgentSessions;
    logger: Logger;
    /** Shows an agent's attached file in the thread (files.uploadV2). */
    uploadFile?: (thread: SlackThread, agentTitle: string, file: AttachedFile) => Promise<void>;
  };

  constructor(deps: EventRenderer["deps"]) {
    this.deps = deps;
  }

  /** The runtime listener. Never throws: a Slack failure is logged, the runtime carries on. */
  readonly listener = (event: SurfaceEvent): void => {
    // One queue per session keeps every event, deltas included, in the order emitted; the
    // streamer coalesces deltas itself, so a delta waits only for the work queued before it.
    void this.queue
      .run(event.sessionId, () => this.render(event))
      .catch((error: unknown) => {
        this.deps.logger.warn(
          { err: error, sessionId: event.sessionId, type: event.type },
          "could not render an event",
        );
      });
  };

  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async render(event: SurfaceEvent): Promise<void> {
    const thread = await this.deps.threads.get(event.sessionId);
    if (!thread) return;
    switch (event.type) {
      case "reply-delta":
        if (!this.deps.replies.accepts(event.turnId)) return;
        this.deps.replies.delta(event.sessionId, event.turnId, thread, event.delta);
        void this.deps.sessions.working(event.sessionId, thread);
        return;
      case "reply-completed":
        // Nothing may wait between a turn's last delta and its completion, or the first
        // piece would go out alone: whether the answer is final is settled in its turn.
        await this.deps.replies.completed(
          event.sessionId,
          event.turnId,
          thread,
          event.text,
          event.final === true ? this.nothingRuns(event.sessionId) : false,
        );
        return;
      case "environment-prepared":
        this.deps.board.schedule(event.sessionId);
        if (event.setup.status === "failed") {
          await this.deps.publisher.publish(
            event.sessionId,
            `setup:${event.agent.id}`,
            thread,
            renderSetupFailure(event.agent.title, event.setup),
          );
        }
        return;
      case "agent-started":
      case "agent-finished":
      case "agent-failed":
      case "agent-cancelled":
        if (event.agent.role === "worker") this.deps.board.schedule(event.sessionId);
        if (event.type === "agent-failed" && event.agent.role === "supervisor") {
          void this.deps.sessions.rested(event.sessionId, thread);
        } else {
          void this.deps.sessions.refresh(event.sessionId, thread);
        }
        return;
      case "agent-progress":
        if (event.agent.role === "worker") this.deps.board.schedule(event.sessionId);
        void this.deps.sessions.seen(event.sessionId, thread);
        return;
      case "question-asked":
      case "approval-requested":
      case "budget-reached":
        await this.deps.publisher.publish(
          event.sessionId,
          requestPurpose(event.request.id),
          thread,
          renderRequest(event.request),
        );
        this.deps.board.schedule(event.sessionId);
        void this.deps.sessions.refresh(event.sessionId, thread);
        return;
      case "request-decided":
        if (event.request.kind === "plan") await redrawPlan(this.deps.publisher, event.request);
        else
          await this.deps.publisher.update(
            event.sessionId,
            requestPurpose(event.request.id),
            renderRequest(event.request),
          );
        this.deps.board.schedule(event.sessionId);
        void this.deps.sessions.refresh(event.sessionId, thread);
        return;
      case "session-idle":
        // Workers spawned this turn are queued and have announced nothing yet: show them.
        this.deps.board.schedule(event.sessionId);
        void this.deps.sessions.rested(event.sessionId, thread);
        await this.publishResults(event.sessionId);
        return;
      case "session-titled":
        void this.deps.sessions.rename(thread, event.title);
        return;
      case "plan-proposed":
        await publishPlan(this.deps.publisher, thread, event.request);
        void this.deps.sessions.refresh(event.sessionId, thread);
        return;
      case "turn-failed":
        await this.deps.publisher.publish(
          event.sessionId,
          turnFailedPurpose(event.failureId),
          thread,
          renderTurnFailed(event.failureId, event.reason, event.retryable),
        );
        // Nothing more comes of this turn: no "is thinking…" may stay behind.
        void this.deps.sessions.rested(event.sessionId, thread);
        return;
      case "mcp-server-unavailable":
        await this.deps.publisher.publish(
          event.sessionId,
          `mcp-unavailable:${event.server}`,
          thread,
          renderMcpServerUnavailable(event.agentTitle, event.server, event.reason),
        );
        return;
      case "file-attached":
        await this.deps.uploadFile?.(thread, event.agentTitle, event.file);
        return;
    }
  }

  /** A final answer gets feedback buttons only when no sub-agent still works after it. */
  private async nothingRuns(sessionId: string): Promise<boolean> {
    try {
      const agents = await this.deps.runtime.listAgents(sessionId);
      return agents.every((agent) => agent.role === "supervisor" || terminal.has(agent.status));
    } catch {
      return false;
    }
  }

  /**
   * After the supervisor's summary: one results message per set of finished sub-agents, once
   * none still runs, queues or waits on a person (a rest while others work is not the end).
   */
  private async publishResults(sessionId: string): Promise<void> {
    const thread = await this.deps.threads.get(sessionId);
    if (!thread) return;
    const agents = await this.deps.runtime.listAgents(sessionId);
    const finished = agents.filter((agent) => agent.role === "worker");
    if (finished.length === 0 || finished.some((agent) => !terminal.has(agent.status))) return;
    const session = await this.deps.runtime.getSession(sessionId);
    const cost = session?.costMicros ?? agents.reduce((sum, agent) => sum + agent.costMicros, 0);
    const priced = session?.priced ?? agents.every((agent) => agent.priced !== false);
    const key = createHash("sha256")
      .update(
        finished
          .map((agent) => agent.id)
          .sort()
          .join(","),
      )
      .digest("hex")
      .slice(0, 16);
    this.deps.board.schedule(sessionId);
    await this.deps.publisher.publish(
      sessionId,
      `results:${key}`,
      thread,
      renderResults(finished, cost, priced, session),
    );
  }
}
