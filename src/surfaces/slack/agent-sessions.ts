import type { AgentsSessionsRenameArguments, AgentsSessionsSetStatusArguments } from "@slack/web-api";
import type { SlackApi } from "../../adapters/slack/slack-api.ts";
import { slackErrorOf } from "../../adapters/slack/slack-errors.ts";
import { type AgentSessionStatus, agentSessionStatusOf } from "../../domain/agent-session-status.ts";
import type { Logger } from "../../logger.ts";
import type { RuntimeApi } from "../../runtime/runtime-api.ts";
import { shownSessionTitle } from "./blocks/session-title.ts";
import { KeyedQueue } from "./keyed-queue.ts";
import { type SlackThread, threadScope } from "./session-threads.ts";
import type { ThreadFeedback } from "./thread-feedback.ts";
import type { SurfaceTimers } from "./timers.ts";

/** Slack turns `processing` back to `active` after an hour; re-sending it restarts that hour. */
export const processingRefreshMs = 45 * 60 * 1000;

/** Answers meaning this app or workspace has no agent sessions: use the thread status instead. */
const missingFeature = new Set([
  "not_allowed",
  "not_allowed_token_type",
  "unknown_method",
  "missing_scope",
  "feature_not_enabled",
  "feature_disabled",
]);

/** A thread, and the installation its calls act for. */
type Where = Pick<SlackThread, "teamId" | "enterpriseId" | "channel" | "threadTs">;

interface ThreadState {
  where: Where;
  supervisorWorking: boolean;
  /** The status Slack last accepted from us. */
  sent: AgentSessionStatus | undefined;
  cancelRefresh: (() => void) | undefined;
}

/**
 * Keeps each session thread's Slack agent session (status, title, Stop button) in step with
 * the work: `processing` while the supervisor or a sub-agent works (re-sent before Slack's
 * hour runs out), `suspended` while a person is awaited, `active` when idle, `closed` once a
 * person stopped it. Where Slack has no agent sessions for this app, the first refusal is
 * logged and the thread status (or a reaction) of `ThreadFeedback` is used from then on.
 */
export class AgentSessions {
  private mode: "unknown" | "sessions" | "legacy" = "unknown";
  private readonly states = new Map<string, ThreadState>();
  private readonly queue = new KeyedQueue();
  private readonly deps: {
    api: SlackApi;
    runtime: Pick<RuntimeApi, "getSession" | "listAgents" | "listPendingRequests">;
    feedback: ThreadFeedback;
    logger: Logger;
    timers: SurfaceTimers;
    refreshMs?: number;
  };

  constructor(deps: AgentSessions["deps"]) {
    this.deps = deps;
  }

  /**
   * A person wrote in the thread: `processing` at once, with the title (and who started it)
   * when the session is new. Nothing slow runs before this call.
   */
  /** The first feedback on a person's message; resolves whether any was shown. */
  started(
    where: Where,
    options: { messageTs: string; title?: string; initiatorUserId?: string },
  ): Promise<boolean> {
    const state = this.stateOf(where);
    state.supervisorWorking = true;
    let shown = false;
    return this.inTurn(where, async () => {
      if (this.mode !== "legacy") {
        const created =
          options.title !== undefined
            ? { title: shownSessionTitle(options.title, 80), initiatorUserId: options.initiatorUserId }
            : undefined;
        if (await this.send(state, "processing", { created })) {
          shown = true;
          return;
        }
      }
      shown = await this.deps.feedback.thinking(where, options.messageTs);
    }).then(() => shown);
  }

  /** The supervisor is writing a reply. */
  async working(sessionId: string, where: Where): Promise<void> {
    const state = this.stateOf(where);
    if (state.supervisorWorking) return;
    state.supervisorWorking = true;
    await this.refresh(sessionId, where);
  }

  /** The supervisor rests (or failed): only the sub-agents and requests decide now. */
  async rested(sessionId: string, where: Where): Promise<void> {
    this.stateOf(where).supervisorWorking = false;
    // Clears a thread status set where agent sessions were unavailable; nothing otherwise.
    await this.deps.feedback.done(where);
    await this.refresh(sessionId, where);
  }

  /**
   * Works out the status from the session's agents and requests and sends it when it
   * changed; `force` sends it anyway (the status a stranger's Stop press left as it was).
   */
  refresh(sessionId: string, where: Where, options: { force?: boolean } = {}): Promise<void> {
    if (this.mode === "legacy") return Promise.resolve();
    const state = this.stateOf(where);
    return this.inTurn(where, async () => {
      const status = await this.statusOf(sessionId, state);
      if (status === state.sent && !options.force) return;
      await this.send(state, status, {});
    });
  }

  /** Activity in a session whose status this process never sent (after a restart): send it. */
  seen(sessionId: string, where: Where): Promise<void> {
    if (this.states.get(this.keyOf(where))?.sent !== undefined) return Promise.resolve();
    return this.refresh(sessionId, where);
  }

  /** The status a stream should leave behind when it stops (`chat.stopStream` sets `active` otherwise). */
  statusAfterStream(where: Where): AgentSessionStatus | undefined {
    if (this.mode !== "sessions") return undefined;
    return this.states.get(this.keyOf(where))?.sent;
  }

  /** The supervisor named the task. */
  rename(where: Where, rawTitle: string): Promise<void> {
    const title = shownSessionTitle(rawTitle);
    if (this.mode === "legacy" || title === "") return Promise.resolve();
    const state = this.stateOf(where);
    return this.inTurn(where, async () => {
      const args: AgentsSessionsRenameArguments = {
        channel_id: where.channel,
        thread_ts: where.threadTs,
        title,
      };
      try {
        await this.deps.api.call("agents.sessions.rename", { ...args }, { scope: threadScope(where) });
      } catch (error) {
        if (slackErrorOf(error) !== "session_not_found") {
          this.deps.logger.warn({ err: error }, "could not rename the agent session");
          return;
        }
        // Not created yet (its first status failed): create it under this title.
        await this.send(state, state.sent ?? "active", { created: { title } });
      }
    });
  }

  /** Stops the heartbeats; Slack lets `processing` lapse on its own. */
  async idle(): Promise<void> {
    for (const state of this.states.values()) this.stopRefreshing(state);
    await this.queue.idle();
  }

  private async statusOf(sessionId: string, state: ThreadState): Promise<AgentSessionStatus> {
    const [agents, pending, session] = await Promise.all([
      this.deps.runtime.listAgents(sessionId),
      this.deps.runtime.listPendingRequests(sessionId),
      this.deps.runtime.getSession(sessionId),
    ]);
    return agentSessionStatusOf({
      supervisorWorking: state.supervisorWorking,
      agents,
      pendingRequests: pending.length,
      sessionClosed: session?.status === "closed",
    });
  }

  /** True when Slack took the status. */
  private async send(
    state: ThreadState,
    status: AgentSessionStatus,
    options: { created?: { title?: string; initiatorUserId?: string | undefined } | undefined },
  ): Promise<boolean> {
    if (this.mode === "legacy") return false;
    const title = options.created?.title ? shownSessionTitle(options.created.title) : "";
    const args: AgentsSessionsSetStatusArguments = {
      channel_id: state.where.channel,
      thread_ts: state.where.threadTs,
      status,
      ...(title ? { title } : {}),
      ...(options.created?.initiatorUserId ? { initiator_user_id: options.created.initiatorUserId } : {}),
    };
    try {
      await this.deps.api.call("agents.sessions.setStatus", { ...args }, { scope: threadScope(state.where) });
    } catch (error) {
      const reason = slackErrorOf(error);
      if (missingFeature.has(reason) && this.mode === "unknown") {
        this.mode = "legacy";
        for (const each of this.states.values()) this.stopRefreshing(each);
        this.deps.logger.warn(
          { reason },
          "Slack refused agent sessions for this app; threads show a status or a reaction instead",
        );
      } else {
        this.deps.logger.warn({ err: error, status }, "could not set the agent session status");
      }
      return false;
    }
    this.mode = "sessions";
    state.sent = status;
    this.stopRefreshing(state);
    if (status === "processing") this.refreshLater(state);
    return true;
  }

  private refreshLater(state: ThreadState): void {
    state.cancelRefresh = this.deps.timers.schedule(
      () =>
        this.inTurn(state.where, async () => {
          state.cancelRefresh = undefined;
          if (state.sent === "processing") await this.send(state, "processing", {});
        }),
      this.deps.refreshMs ?? processingRefreshMs,
    );
  }

  /**
   * Runs `task` after the thread's earlier ones, so statuses reach Slack in order. Never
   * rejects: a failure is logged, and callers need not wait (the render queue does not).
   */
  private inTurn(where: Where, task: () => Promise<void>): Promise<void> {
    return this.queue.run(this.keyOf(where), task).catch((error: unknown) => {
      this.deps.logger.warn({ err: error }, "could not update the agent session");
    });
  }

  private stopRefreshing(state: ThreadState): void {
    state.cancelRefresh?.();
    state.cancelRefresh = undefined;
  }

  private stateOf(where: Where): ThreadState {
    const key = this.keyOf(where);
    let state = this.states.get(key);
    if (!state) {
      state = {
        where: {
          teamId: where.teamId,
          enterpriseId: where.enterpriseId,
          channel: where.channel,
          threadTs: where.threadTs,
        },
        supervisorWorking: false,
        sent: undefined,
        cancelRefresh: undefined,
      };
      this.states.set(key, state);
    }
    return state;
  }

  private keyOf(where: Where): string {
    return `${where.teamId}:${where.channel}:${where.threadTs}`;
  }
}
