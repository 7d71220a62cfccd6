import { z } from "zod";
import { McpCallTimeoutError, McpServerUnavailableError } from "../../adapters/mcp/mcp-errors.ts";
import type { McpServers } from "../../adapters/mcp/mcp-servers-port.ts";
import { canonicalJson } from "../../domain/approval-action.ts";
import { errorMessage, ToolError } from "../../domain/errors.ts";
import type { McpToolAnnotations, McpToolDescriptor } from "../../domain/mcp.ts";
import { mcpResultText } from "../../domain/mcp-result-text.ts";
import { redactSecretsAndValues } from "../../domain/secret-redaction.ts";
import { type AnyTool, defineTool, type ToolRisk } from "../../domain/tool.ts";
import type { AgentToolContext } from "../agent/agent-tool-context.ts";

/** OpenAI refuses longer function descriptions. */
const maximumDescriptionCharacters = 1_024;

interface McpToolOptions {
  descriptor: McpToolDescriptor;
  /** The name the model sees (`mcpToolNames`). */
  name: string;
  /** The server's input schema as both providers take it (`providerToolSchema`). */
  inputJsonSchema: Record<string, unknown>;
  risk: ToolRisk;
  role: "supervisor" | "worker";
  servers: McpServers;
  /** The server could not be reached for this call: the runtime tells the thread, once per session. */
  onUnavailable(error: McpServerUnavailableError, context: AgentToolContext): void;
}

function description(descriptor: McpToolDescriptor): string {
  const own = descriptor.description.trim() || descriptor.annotations?.title?.trim() || descriptor.name;
  const origin = `\n(Tool "${descriptor.name.slice(0, 200)}" of the MCP server "${descriptor.server.slice(0, 200)}".)`;
  const room = maximumDescriptionCharacters - origin.length;
  return `${own.length <= room ? own : `${own.slice(0, room - 1)}…`}${origin}`;
}

/** The server's claims about the tool, in words, for the approver. */
function claimsText(annotations: McpToolAnnotations | undefined): string {
  if (!annotations) return "The server makes no claims about this tool.";
  const claims = [
    annotations.title === undefined ? undefined : `title ${JSON.stringify(annotations.title)}`,
    annotations.readOnlyHint === undefined ? undefined : `read-only: ${annotations.readOnlyHint}`,
    annotations.destructiveHint === undefined ? undefined : `destructive: ${annotations.destructiveHint}`,
    annotations.idempotentHint === undefined ? undefined : `idempotent: ${annotations.idempotentHint}`,
    annotations.openWorldHint === undefined ? undefined : `open world: ${annotations.openWorldHint}`,
  ].filter((claim) => claim !== undefined);
  if (claims.length === 0) return "The server makes no claims about this tool.";
  return `The server claims (unverified): ${claims.join("; ")}.`;
}

/**
 * One MCP server's tool as a tool the runtime offers a model: the server validates the input,
 * an `isError` result is a tool error, and every secret configured for the servers is redacted
 * from what comes back.
 */
export function mcpTool(options: McpToolOptions): AnyTool {
  const { descriptor, servers } = options;
  const redact = (text: string) => redactSecretsAndValues(text, servers.secretValues());
  return defineTool({
    name: options.name,
    description: description(descriptor),
    input: z.record(z.string(), z.unknown()),
    inputJsonSchema: options.inputJsonSchema,
    mcpServer: descriptor.server,
    risk: options.risk,
    describe: (input) =>
      [
        `MCP server "${descriptor.server}", tool "${descriptor.name}"`,
        claimsText(descriptor.annotations),
        `Arguments: ${canonicalJson(input)}`,
      ].join("\n"),
    async execute(input, context: AgentToolContext) {
      let result: Awaited<ReturnType<McpServers["call"]>>;
      try {
        result = await servers.call(
          descriptor.server,
          descriptor.name,
          input,
          {
            sessionId: context.sessionId,
            agentId: context.agentId,
            role: options.role,
            ...(context.workspace ? { workspace: context.workspace } : {}),
          },
          { signal: context.signal, elicit: (request) => context.services.elicit(request) },
        );
      } catch (error) {
        // Stop: the runtime reports the cancelled call itself.
        if (context.signal.aborted) throw error;
        if (error instanceof McpServerUnavailableError) options.onUnavailable(error, context);
        if (error instanceof McpServerUnavailableError || error instanceof McpCallTimeoutError) {
          throw new ToolError(redact(error.message), { server: descriptor.server, tool: descriptor.name });
        }
        throw new ToolError(
          redact(`MCP tool ${descriptor.server}/${descriptor.name} failed: ${errorMessage(error)}`),
          {
            server: descriptor.server,
            tool: descriptor.name,
          },
        );
      }
      const text = redact(mcpResultText(result));
      if (result.isError) throw new ToolError(text, { server: descriptor.server, tool: descriptor.name });
      return text;
    },
  });
}
