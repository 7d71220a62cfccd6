import type { Database } from "../../adapters/database/open-database.ts";
import type { AgentSnapshot } from "../../domain/agents.ts";
import type { ToolContext } from "../../domain/tool.ts";

/** What the runtime lends its own tools: the session's agents, mailbox and shared context. */
export interface AgentServices {
  db: Database;
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
  /** Records the summary; the runner marks the agent done with the tool result. */
  finish(summary: string): Promise<void>;
}

export interface AgentToolContext extends ToolContext {
  services: AgentServices;
  /** A human's answer, for tools that ask first (`ask_user`). */
  answer: string | undefined;
}
