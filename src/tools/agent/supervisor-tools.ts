import { z } from "zod";
import type { AgentSnapshot } from "../../domain/agents.ts";
import { ToolError } from "../../domain/errors.ts";
import { defineTool } from "../../domain/tool.ts";
import type { AgentToolContext } from "./agent-tool-context.ts";

export const spawnAgentTool = defineTool({
  name: "spawn_agent",
  description:
    "Start a sub-agent in the background and return its id at once. The brief must carry the objective, the expected output, the boundaries (what other agents own) and the decisions already made. " +
    "A session may have only a few sub-agents queued, running or waiting at once; past that a spawn is refused until one finishes or is cancelled.",
  input: z.object({
    title: z.string().min(1).max(120),
    brief: z.string().min(1),
    tier: z.enum(["worker", "strong"]).optional(),
    repo: z.string().min(1).optional(),
  }),
  risk: "safe",
  async execute(input, context: AgentToolContext) {
    const agent = await context.services.spawnAgent({
      title: input.title,
      brief: input.brief,
      tier: input.tier ?? "worker",
      ...(input.repo ? { repo: input.repo } : {}),
    });
    return JSON.stringify({ agent_id: agent.id, title: agent.title, status: agent.status });
  },
});

export const messageAgentTool = defineTool({
  name: "message_agent",
  description: "Send a message to one of your sub-agents (a follow-up, a decision, an answer).",
  input: z.object({ agent_id: z.string().min(1), text: z.string().min(1) }),
  risk: "safe",
  async execute(input, context: AgentToolContext) {
    await context.services.messageAgent(input.agent_id, input.text);
    return `Message delivered to ${input.agent_id}.`;
  },
});

function describeAgent(agent: AgentSnapshot): Record<string, unknown> {
  return {
    agent_id: agent.id,
    title: agent.title,
    status: agent.status,
    latest_progress: agent.latestProgress,
    tokens: agent.usage.inputTokens + agent.usage.outputTokens,
    cost_usd: Number((agent.costMicros / 1e6).toFixed(4)),
    result: agent.result,
  };
}

export const listAgentsTool = defineTool({
  name: "list_agents",
  description: "List your sub-agents with their status, latest progress and usage.",
  input: z.object({}).strict(),
  risk: "safe",
  async execute(_input, context: AgentToolContext) {
    const agents = await context.services.listAgents();
    return JSON.stringify(agents.filter((agent) => agent.role === "worker").map(describeAgent));
  },
});

export const cancelAgentTool = defineTool({
  name: "cancel_agent",
  description: "Stop one of your sub-agents.",
  input: z.object({ agent_id: z.string().min(1) }),
  risk: "safe",
  async execute(input, context: AgentToolContext) {
    const cancelled = await context.services.cancelAgent(input.agent_id);
    if (!cancelled) throw new ToolError(`Agent ${input.agent_id} is not running in this session.`);
    return `Cancelled ${input.agent_id}.`;
  },
});
