import type { AgentRow } from "../adapters/database/agents.ts";
import {
  type AgentMcpListings,
  loadMcpListings,
  storeMcpListings,
} from "../adapters/database/mcp-listings.ts";
import { getSession } from "../adapters/database/sessions.ts";
import type { McpAgentScope, McpServers } from "../adapters/mcp/mcp-servers-port.ts";
import { errorMessage } from "../domain/errors.ts";
import type { McpServerListing, McpToolDescriptor } from "../domain/mcp.ts";
import { mcpToolNames } from "../domain/mcp-tool-names.ts";
import { mcpToolRisk } from "../domain/mcp-tool-policy.ts";
import { providerToolSchema } from "../domain/mcp-tool-schema.ts";
import { mcpServersText } from "../domain/prompts/mcp-servers-text.ts";
import { redactSecretsAndValues } from "../domain/secret-redaction.ts";
import { mcpToolOffered, type SessionSettings, sessionSettingsOf } from "../domain/session-settings.ts";
import { type AnyTool, parseWorkspace, type ToolRisk } from "../domain/tool.ts";
import { mcpTool } from "../tools/mcp/mcp-tool.ts";
import type { RuntimeKernel } from "./kernel.ts";

/** An agent's MCP tools and the system prompt's words about their servers, for its whole life. */
interface AgentMcpTools {
  tools: AnyTool[];
  /** Appended to the system prompt; empty when the servers said nothing. */
  systemText: string;
}

export interface McpAgentTools {
  /** The agent's MCP tools, from its stored listing (listed and stored the first time). */
  forAgent(agent: AgentRow, builtIn: readonly AnyTool[]): Promise<AgentMcpTools>;
  /** The agent ended: its tools and connections go. */
  release(agentId: string): Promise<void>;
}

const none: AgentMcpTools = { tools: [], systemText: "" };

function scopeOf(agent: AgentRow): McpAgentScope {
  const workspace = parseWorkspace(agent.workspace);
  return {
    sessionId: agent.sessionId,
    agentId: agent.id,
    role: agent.role,
    ...(workspace ? { workspace } : {}),
  };
}

/** Lists each of the agent's servers once; secrets are redacted before anything is stored. */
async function listServers(servers: McpServers, agent: AgentRow): Promise<AgentMcpListings> {
  const scope = scopeOf(agent);
  const configured = servers.serversFor(scope);
  const listed = await Promise.allSettled(configured.map((server) => servers.list(server.name, scope)));
  const listings: McpServerListing[] = [];
  const unavailable: AgentMcpListings["unavailable"] = [];
  listed.forEach((result, index) => {
    const server = configured[index]?.name ?? "";
    if (result.status === "fulfilled") listings.push(result.value);
    else unavailable.push({ server, reason: errorMessage(result.reason) });
  });
  const redacted = redactSecretsAndValues(JSON.stringify({ listings, unavailable }), servers.secretValues());
  return JSON.parse(redacted) as AgentMcpListings;
}

/**
 * The MCP tools of each agent. The listing is fetched once per agent and stored, so every step,
 * on every instance and after restarts, offers the same tools in the same bytes (prompt caching);
 * a server's `tools/list_changed` reaches new agents only. Which tools are offered and how risky
 * they are follows the configuration in force.
 */
export function createMcpAgentTools(kernel: RuntimeKernel): McpAgentTools {
  const built = new Map<string, AgentMcpTools>();
  /** `session\0server` pairs whose thread was told the server is unavailable. */
  const told = new Set<string>();

  function build(
    servers: McpServers,
    agent: AgentRow,
    stored: AgentMcpListings,
    builtIn: readonly AnyTool[],
    settings: SessionSettings,
  ): AgentMcpTools {
    const policies = new Map(servers.serversFor(scopeOf(agent)).map((server) => [server.name, server]));
    const offered: { descriptor: McpToolDescriptor; risk: ToolRisk; schema: Record<string, unknown> }[] = [];
    const serversOffered = new Set<string>();
    for (const listing of stored.listings) {
      const policy = policies.get(listing.server);
      if (!policy) continue;
      // A tool is always called on the server that listed it, under that server's policy.
      for (const descriptor of listing.tools.map((tool) => ({ ...tool, server: listing.server }))) {
        // The channel's offer narrows the configuration's, never widens it.
        if (!mcpToolOffered(settings, listing.server, descriptor.name)) continue;
        const risk = mcpToolRisk(policy, descriptor, agent.role);
        if (risk === "not offered") continue;
        const converted = providerToolSchema(descriptor.inputSchema);
        if ("problem" in converted) {
          kernel.logger.warn(
            { agentId: agent.id, server: listing.server, tool: descriptor.name, reason: converted.problem },
            "MCP tool left out",
          );
          continue;
        }
        offered.push({ descriptor, risk, schema: converted.schema });
        serversOffered.add(listing.server);
      }
    }
    const names = mcpToolNames(
      offered.map((entry) => entry.descriptor),
      builtIn.map((tool) => tool.name),
    );
    const tools = offered.map((entry, index) =>
      mcpTool({
        descriptor: entry.descriptor,
        name: names[index] ?? entry.descriptor.name,
        inputJsonSchema: entry.schema,
        risk: entry.risk,
        role: agent.role,
        servers,
        onUnavailable: (error) => {
          const key = `${agent.sessionId}\u0000${error.server}`;
          if (told.has(key)) return;
          told.add(key);
          kernel.emit({
            type: "mcp-server-unavailable",
            sessionId: agent.sessionId,
            agentId: agent.id,
            agentTitle: agent.title,
            server: error.server,
            reason: redactSecretsAndValues(error.reason, servers.secretValues()),
          });
        },
      }),
    );
    const listings = stored.listings.filter((listing) => serversOffered.has(listing.server));
    return { tools, systemText: mcpServersText(listings, stored.unavailable) };
  }

  return {
    async forAgent(agent, builtIn) {
      const servers = kernel.mcpServers;
      if (!servers) return none;
      const known = built.get(agent.id);
      if (known) return known;
      const stored =
        (await loadMcpListings(kernel.db, agent.id)) ??
        (await storeMcpListings(kernel.db, agent.id, await listServers(servers, agent)));
      const session = await getSession(kernel.db, agent.sessionId);
      const settings = session ? sessionSettingsOf(session.metadata) : {};
      const tools = build(servers, agent, stored, builtIn, settings);
      built.set(agent.id, tools);
      return tools;
    },
    async release(agentId) {
      built.delete(agentId);
      try {
        await kernel.mcpServers?.release(agentId);
      } catch (error) {
        kernel.logger.warn({ agentId, error: errorMessage(error) }, "could not release MCP connections");
      }
    },
  };
}
