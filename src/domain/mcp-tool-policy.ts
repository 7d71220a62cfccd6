import type { McpAudience, McpPolicy, McpToolDescriptor } from "./mcp.ts";
import type { ToolRisk } from "./tool.ts";

/** What the operator configured for a server, as far as offering its tools goes. */
export interface McpServerPolicy {
  use: McpAudience;
  policy: McpPolicy;
  trustAnnotations: boolean;
  tools: Record<string, { policy?: McpPolicy; use?: McpAudience }>;
}

function audienceIncludes(audience: McpAudience, role: "supervisor" | "worker"): boolean {
  return audience === "both" || (role === "supervisor" ? audience === "supervisor" : audience === "workers");
}

/**
 * Whether a server's tool is offered to an agent of `role`, and how it runs: a tool's own
 * settings win over its server's. `never` is not offered; `safe` runs freely; `ask`, the
 * default, waits for a person, unless the server's annotations are trusted, it claims to be
 * read-only, and the tool is not set to `ask` by name. Annotations are otherwise claims, and count for nothing.
 */
export function mcpToolRisk(
  server: McpServerPolicy,
  tool: Pick<McpToolDescriptor, "name" | "annotations">,
  role: "supervisor" | "worker",
): ToolRisk | "not offered" {
  const own = Object.hasOwn(server.tools, tool.name) ? server.tools[tool.name] : undefined;
  if (!audienceIncludes(own?.use ?? server.use, role)) return "not offered";
  const policy = own?.policy ?? server.policy;
  if (policy === "never") return "not offered";
  if (policy === "safe") return "safe";
  // A tool set to `ask` by name asks, whatever its server claims.
  if (own?.policy === "ask") return "risky";
  return server.trustAnnotations && tool.annotations?.readOnlyHint === true ? "safe" : "risky";
}
