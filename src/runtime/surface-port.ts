import type { AgentSnapshot } from "../domain/agents.ts";
import type { RequestSnapshot } from "../domain/requests.ts";
import type { SharedFile } from "../domain/shared-files.ts";
import type { SpendAlert } from "../domain/spend-limits.ts";
import type { WorkspaceSetup } from "../domain/tool.ts";

/** A worker's environment setup as surfaces show it: the record, and the end of its output. */
interface SetupReport extends WorkspaceSetup {
  repository: string;
  outputEnd: string;
}

/**
 * What the runtime tells a surface (Slack, the terminal, tests). Every event names its
 * session; surfaces render them and must tolerate seeing one twice after a restart.
 */
export type SurfaceEvent =
  | { type: "reply-delta"; sessionId: string; agentId: string; turnId: string; delta: string }
  | {
      type: "reply-completed";
      sessionId: string;
      agentId: string;
      turnId: string;
      text: string;
      /** The turn called no tool: the supervisor rests after this answer. */
      final?: boolean;
    }
  | { type: "agent-started"; sessionId: string; agent: AgentSnapshot }
  | { type: "agent-progress"; sessionId: string; agent: AgentSnapshot; text: string }
  | { type: "agent-finished"; sessionId: string; agent: AgentSnapshot; summary: string }
  | { type: "environment-prepared"; sessionId: string; agent: AgentSnapshot; setup: SetupReport }
  | { type: "agent-failed"; sessionId: string; agent: AgentSnapshot; reason: string }
  | { type: "agent-cancelled"; sessionId: string; agent: AgentSnapshot }
  | { type: "question-asked"; sessionId: string; request: RequestSnapshot }
  | { type: "approval-requested"; sessionId: string; request: RequestSnapshot }
  | { type: "budget-reached"; sessionId: string; request: RequestSnapshot }
  | { type: "request-decided"; sessionId: string; request: RequestSnapshot }
  | { type: "session-idle"; sessionId: string }
  /** An MCP server could not be reached for a call; said once per session and server. */
  | {
      type: "mcp-server-unavailable";
      sessionId: string;
      agentId: string;
      agentTitle: string;
      server: string;
      reason: string;
    }
  /** The supervisor named the task (`name_session`). */
  | { type: "session-titled"; sessionId: string; title: string }
  /** A fan-out past a threshold waits for Start, Change or Cancel (`request.action` is a FanOutPlan). */
  | { type: "plan-proposed"; sessionId: string; request: RequestSnapshot }
  /** An agent attached a file from its working copy (`attach_file`); see `AttachedFile`. */
  | { type: "file-attached"; sessionId: string; agentId: string; agentTitle: string; file: AttachedFile }
  /**
   * A person's turn ended without an answer (an empty model turn, a provider failure past its
   * retries, a limit): said in the thread with a Retry that sends the last message again.
   * `failureId` is the same on every instance that announces it, so surfaces dedupe by it.
   */
  | {
      type: "turn-failed";
      sessionId: string;
      agentId: string;
      failureId: string;
      reason: string;
      retryable: boolean;
    }
  /**
   * A spend limit reached an alert threshold (75%, 95%) in its period: the surface tells the admins.
   * Emitted once per limit, period and threshold, by the instance that recorded it.
   */
  | { type: "spend-limit-alert"; sessionId: string; alert: SpendAlert };

/** A file an agent attaches to its conversation: a text file redacted, any other byte for byte. */
export interface AttachedFile {
  /** A plain file name (no folders). */
  fileName: string;
  title: string;
  /** Where it is on this machine, for a surface that shows the path instead of the bytes. */
  localPath: string;
  /** Base64 of the bytes to show. */
  data: string;
  size: number;
}

/** Where a session comes from: the surface's kind and its own conversation id. */
export interface SessionKey {
  surface: string;
  conversationKey: string;
}

/** One earlier message of a thread: `userId` for a person, `bot` for a bot or app. */
interface HistoryEntry {
  author: string;
  text: string;
  userId?: string;
  bot?: boolean;
}

/** What a surface sends into the runtime. */
export type SurfaceInput =
  | {
      type: "user-message";
      key: SessionKey;
      userId: string;
      /** The author's display name, shown to the supervisor next to the id. */
      userName?: string;
      text: string;
      /** Earlier messages of the conversation, for a session that starts mid-thread. */
      history?: HistoryEntry[];
      /** Earlier messages could not (all) be read, e.g. Slack's rate limit: the model is told so. */
      historyUnavailable?: boolean;
      metadata?: Record<string, unknown>;
      /**
       * A reply addressed to someone else (THREADWORK_FOLLOW_UP_RULE): kept as quiet context for
       * the supervisor's next turn; it starts no turn and never reopens a stopped session.
       */
      aside?: boolean;
      /** Files shared with the message, already checked and fetched by the surface. */
      attachments?: SharedFile[];
    }
  | { type: "answer"; requestId: string; userId: string; answer: string }
  | {
      type: "approval-decision";
      requestId: string;
      userId: string;
      decision: "approve" | "deny" | "always_allow";
    }
  | { type: "budget-decision"; requestId: string; userId: string; decision: "extend" | "stop" }
  /** Without `agentId`, stops all of the session's work and closes the session until the next message. */
  | { type: "cancel"; sessionId: string; userId: string; agentId?: string }
  /** A person renamed the session where the surface shows it. */
  | { type: "rename-session"; sessionId: string; userId: string; title: string }
  /** Start, Change (with the person's `text` for the supervisor) or Cancel a proposed plan. */
  | {
      type: "plan-decision";
      requestId: string;
      userId: string;
      decision: "start" | "change" | "cancel";
      text?: string;
    }
  /**
   * A person's words for one worker, read at its next step boundary. Only those who may answer
   * the session's questions may steer (`mayDecide`, kind `answer`); checked by the runtime.
   */
  | { type: "steer"; sessionId: string; agentId: string; userId: string; userName?: string; text: string }
  /** Runs a failed turn again: the last person's message goes to the supervisor once more. */
  | { type: "retry"; sessionId: string; userId: string };

export type SurfaceListener = (event: SurfaceEvent) => void | Promise<void>;
