import type { AgentSnapshot, AgentStatus } from "../domain/agents.ts";
import type { DecisionKind } from "../domain/decision-rule.ts";
import type { DecisionOutcome, RequestSnapshot } from "../domain/requests.ts";
import type { SessionSnapshot } from "../domain/sessions.ts";
import type { SessionKey, SurfaceInput, SurfaceListener } from "./surface-port.ts";

export type InputOutcome =
  | {
      type: "message-accepted";
      sessionId: string;
      created: boolean;
      /**
       * Set when a reply from someone who may not steer was kept for the next turn instead of
       * starting one; `noticeDue` when they should be told (once per window).
       */
      held?: { noticeDue: boolean };
    }
  | { type: "decision"; outcome: DecisionOutcome }
  | { type: "cancelled"; sessionId: string; agentIds: string[] }
  | { type: "session-renamed"; sessionId: string; title: string }
  | { type: "steer"; sessionId: string; agentId: string; result: SteerResult }
  | { type: "retry"; sessionId: string; outcome: RetryOutcome };

/**
 * What became of a steer: `delivered` to the worker (which reads it after its current step, or
 * after the answer it waits for when `waiting`); `redirected` to the supervisor because the
 * worker had already ended (`status` says how); refused as `not-authorized`; `not-found` when
 * the session has no such worker.
 */
export type SteerResult =
  | { kind: "delivered"; agentTitle: string; status: AgentStatus }
  | { kind: "redirected"; agentTitle: string; status: AgentStatus }
  | { kind: "not-authorized" }
  | { kind: "not-found" };

/** `not_authorized`: only people who may stop the session may retry; `busy`: a turn is on its way. */
export type RetryOutcome = "retried" | "not_authorized" | "busy" | "nothing_to_retry";

/**
 * What a surface may call. The runtime implements it; surfaces never touch the
 * database or the queue themselves.
 */
export interface RuntimeApi {
  /** Delivers one input. Authorization of decisions is checked here, not in the surface. */
  handle(input: SurfaceInput): Promise<InputOutcome>;
  /**
   * Registers a listener for every surface event this instance emits; returns an unsubscribe.
   * The first listener also gets, in order, what was emitted before any listener was there.
   */
  subscribe(listener: SurfaceListener): () => void;
  findSession(key: SessionKey): Promise<SessionSnapshot | undefined>;
  getSession(sessionId: string): Promise<SessionSnapshot | undefined>;
  /**
   * Newest first, each with its `activity`; with `keyPrefix`, only those whose conversation key
   * starts with it (a Slack team's: `T…:`).
   */
  listSessionsForUser(
    userId: string,
    limit: number,
    options?: { keyPrefix?: string },
  ): Promise<SessionSnapshot[]>;
  listAgents(sessionId: string): Promise<AgentSnapshot[]>;
  getRequest(requestId: string): Promise<RequestSnapshot | undefined>;
  listPendingRequests(sessionId: string): Promise<RequestSnapshot[]>;
  /** Whether `userId` may make this kind of decision in this session (see `mayDecide`). */
  canDecide(sessionId: string, userId: string, kind: DecisionKind): Promise<boolean>;
}
