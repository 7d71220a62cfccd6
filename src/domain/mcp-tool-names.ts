import { createHash } from "node:crypto";

/** Tool names both providers accept (Anthropic's and OpenAI's rule). */
export const providerToolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;

const maximumLength = 64;
const hashLength = 8;

/** The name as the server spells it, made of allowed characters and cut to the limit. */
function plainName(server: string, tool: string): string {
  return `${server}__${tool}`.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, maximumLength);
}

function hashedName(server: string, tool: string): string {
  const hash = createHash("sha256").update(`${server}\u0000${tool}`).digest("hex").slice(0, hashLength);
  return `${plainName(server, tool).slice(0, maximumLength - hashLength - 1)}_${hash}`;
}

/**
 * The names models see for MCP tools, in the order given: `server__tool`, with characters a
 * provider refuses replaced by `_` and cut at 64. Tools whose names would then be the same (or
 * the same as a `reserved` name, a built-in tool's) each get a short hash of the server's own
 * spelling instead, so each name is stable for the same listing whatever the order.
 */
export function mcpToolNames(
  tools: readonly { server: string; name: string }[],
  reserved: readonly string[] = [],
): string[] {
  const plain = tools.map((tool) => plainName(tool.server, tool.name));
  const counts = new Map<string, number>();
  for (const name of [...plain, ...new Set(reserved)]) counts.set(name, (counts.get(name) ?? 0) + 1);
  return tools.map((tool, index) => {
    const name = plain[index] ?? "";
    return (counts.get(name) ?? 0) > 1 ? hashedName(tool.server, tool.name) : name;
  });
}
