import type { McpToolDescriptor } from "../../src/domain/mcp.ts";
import { ScriptedMcpServers, stdioServerConfig } from "../../test/fakes/scripted-mcp-servers.ts";

/** A tracker-like MCP tool: a description and an input schema of a realistic size (~600 characters). */
function trackerTool(index: number): McpToolDescriptor {
  return {
    server: "tracker",
    name: `tool_${String(index).padStart(2, "0")}`,
    description: `Operation ${index} of the issue tracker: finds, creates or updates issues, comments and labels in a project the team can see.`,
    inputSchema: {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: {
        project: { type: "string", description: "The project's key, e.g. ENG." },
        query: { type: "string", description: "Words to look for in titles and descriptions." },
        state: {
          type: "string",
          enum: ["open", "in_progress", "done"],
          description: "Only issues in this state.",
        },
        labels: { type: "array", items: { type: "string" }, description: "Only issues with every label." },
        limit: { type: "integer", minimum: 1, maximum: 100, description: "How many to return." },
      },
      required: ["project"],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: index % 2 === 0 },
  };
}

/** One scripted MCP server offering `count` tools to every agent; the bench never calls them. */
export function benchMcpServers(count: number): ScriptedMcpServers {
  return new ScriptedMcpServers({
    configs: [stdioServerConfig("tracker")],
    listings: [
      {
        server: "tracker",
        instructions: "Search before creating an issue; one issue per problem.",
        tools: Array.from({ length: count }, (_, index) => trackerTool(index + 1)),
      },
    ],
    async handle() {
      return { content: [{ type: "text", text: "[]" }], isError: false };
    },
  });
}
