import type { AgentSnapshot } from "../../domain/agents.ts";
import type { CheckOutcome, FinishVerdict } from "../../domain/environment.ts";
import type { McpElicitation, McpElicitationAnswer } from "../../domain/mcp.ts";
import type { ToolContext } from "../../domain/tool.ts";

/**
 * What the runtime lends its own tools, each bound to the calling agent and its session:
 * the session's agents, mailbox and shared context, and the agent's own tool results.
 */
export interface AgentServices {
  spawnAgent(request: {
    title: string;
    brief: string;
    tier: "worker" | "strong";
    repo?: string;
  }): Promise<AgentSnapshot>;
  messageAgent(agentId: string, text: string): Promise<void>;
  cancelAgent(agentId: string): Promise<boolean>;
  listAgents(): Promise<AgentSnapshot[]>;
  /** Titles the session (the supervisor names the task); returns the title as stored. */
  nameSession(title: string): Promise<string>;
  reportProgress(text: string): Promise<void>;
  /**
   * Before `finish`: the work committed with `summary` as its message, the repository's check
   * on a clean checkout of that commit, and whether the work may end now or goes back to the worker.
   */
  checkBeforeFinishing(summary: string, signal: AbortSignal): Promise<FinishVerdict>;
  /** Records the summary and the check; the runner marks the agent done with the tool result. */
  finish(summary: string, check?: CheckOutcome): Promise<void>;
  /** Every key of the session's shared context with its newest version, ordered by key. */
  listContext(): Promise<Array<{ key: string; version: number }>>;
  /** The newest value of a key of the session's shared context, or undefined when it was never written. */
  readContext(key: string): Promise<string | undefined>;
  /** Writes a new version of a key, authored by the calling agent. */
  writeContext(key: string, value: string): Promise<{ version: number }>;
  /** The whole stored output of one of the calling agent's own earlier tool calls, or undefined. */
  toolOutput(toolCallId: string): Promise<string | undefined>;
  /** What the surface stored with the session, e.g. Slack's channel and thread. */
  sessionMetadata(): Promise<Record<string, unknown>>;
  /** Shows a file in the session's conversation (`attach_file`); absent where nothing can show one. */
  attachFile?(file: { fileName: string; title: string; localPath: string; data: string; size: number }): void;
  /**
   * An MCP server's question during this tool call, put to the people who may answer questions;
   * resolves with their answer. Rejects when the call is stopped (its signal aborts).
   */
  elicit(elicitation: McpElicitation): Promise<McpElicitationAnswer>;
}

export interface AgentToolContext extends ToolContext {
  services: AgentServices;
  /** A human's answer, for tools that ask first (`ask_user`). */
  answer: string | undefined;
}
