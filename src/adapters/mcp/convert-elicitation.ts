import type { ElicitRequest, ElicitResult } from "@modelcontextprotocol/client";
import type { McpElicitation, McpElicitationAnswer } from "../../domain/mcp.ts";

/** A server's `elicitation/create` parameters as Threadwork's request. */
export function convertElicitation(server: string, params: ElicitRequest["params"]): McpElicitation {
  if (params.mode === "url") {
    return {
      mode: "url",
      server,
      message: params.message,
      url: params.url,
      ...(params.elicitationId === undefined ? {} : { elicitationId: params.elicitationId }),
    };
  }
  return {
    mode: "form",
    server,
    message: params.message,
    requestedSchema: params.requestedSchema as Record<string, unknown>,
  };
}

export function convertAnswer(answer: McpElicitationAnswer): ElicitResult {
  if (answer.action === "accept") {
    return answer.content === undefined
      ? { action: "accept" }
      : { action: "accept", content: answer.content };
  }
  return { action: answer.action };
}
