/**
 * MCP (Model Context Protocol) as the rest of Threadwork sees it: a server's tools, what a call
 * returns and what a server may ask a person. Pure types; the client is `adapters/mcp/`.
 */

/** How an operator lets a server's tool run: freely, after a person's Approve (default), or not at all. */
export type McpPolicy = "safe" | "ask" | "never";

/** Which agents may use a server or a tool. */
export type McpAudience = "supervisor" | "workers" | "both";

/** What a server claims about a tool. Claims, not facts: only `trustAnnotations` lets one count. */
export interface McpToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** One tool as a server lists it. */
export interface McpToolDescriptor {
  /** The configured server name, e.g. `tracker`. */
  server: string;
  /** The tool's own name on that server, e.g. `create_issue`. */
  name: string;
  description: string;
  /** The tool's input JSON Schema as the server sent it. */
  inputSchema: Record<string, unknown>;
  annotations?: McpToolAnnotations;
}

/** What one server offers an agent: its tools and its `instructions` (untrusted text), as fetched once. */
export interface McpServerListing {
  server: string;
  tools: McpToolDescriptor[];
  instructions?: string;
}

/** One piece of a tool result. Binary data stays base64 as the server sent it. */
export type McpContent =
  | { type: "text"; text: string }
  | { type: "image"; mimeType: string; data: string }
  | { type: "audio"; mimeType: string; data: string }
  | { type: "resource_link"; uri: string; name?: string; mimeType?: string; description?: string }
  | { type: "resource"; uri: string; mimeType?: string; text?: string; blob?: string };

/** A `tools/call` result. `isError` is the server saying the tool failed: the model sees it as a tool error. */
export interface McpCallResult {
  content: McpContent[];
  structuredContent?: Record<string, unknown>;
  isError: boolean;
}

/** A server's `elicitation/create` request during a call: a form (fields by JSON Schema) or a link to open. */
export type McpElicitation =
  | {
      mode: "form";
      server: string;
      message: string;
      /** A flat object schema of primitive fields (string, number, integer, boolean, enum). */
      requestedSchema: Record<string, unknown>;
    }
  | { mode: "url"; server: string; message: string; url: string; elicitationId?: string };

/** The person's answer, sent back to the server. */
export type McpElicitationAnswer =
  | { action: "accept"; content?: Record<string, string | number | boolean | string[]> }
  | { action: "decline" }
  | { action: "cancel" };
