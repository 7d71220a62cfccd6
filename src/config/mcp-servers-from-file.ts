import path from "node:path";
import type { ParsedConfigFile } from "./config-file.ts";
import { jsonPath } from "./config-file-problems.ts";
import { defaultMcpTimeoutSeconds, type McpServerConfig } from "./mcp-config.ts";
import type { McpServerEntry } from "./mcp-config-schema.ts";
import { referencedVariables } from "./mcp-references.ts";

interface Place {
  name: string;
  repository: string | undefined;
  path: PropertyKey[];
}

/** The entry with its defaults; `${NAME}` references stay as written, resolved when the server starts. */
function withDefaults(entry: McpServerEntry, place: Place): McpServerConfig {
  const common = {
    name: place.name,
    ...(place.repository === undefined ? {} : { repository: place.repository }),
    use: entry.use ?? (place.repository === undefined ? "both" : "workers"),
    policy: entry.policy ?? "ask",
    trustAnnotations: entry.trustAnnotations ?? false,
    tools: entry.tools ?? {},
    timeoutSeconds: entry.timeoutSeconds ?? defaultMcpTimeoutSeconds,
  } as const;
  if (entry.transport === "http") {
    return { ...common, transport: "http", url: entry.url, headers: entry.headers ?? {} };
  }
  return {
    ...common,
    transport: "stdio",
    command: entry.command,
    args: entry.args ?? [],
    environment: entry.environment ?? {},
    network: entry.network ?? "off",
    readOnlyPaths: entry.readOnlyPaths ?? [],
  };
}

/** Each text value that may hold references, with its path. */
function textsOf(server: McpServerConfig): Array<{ path: PropertyKey[]; text: string }> {
  if (server.transport === "http")
    return Object.entries(server.headers).map(([name, text]) => ({ path: ["headers", name], text }));
  return [
    ...server.args.map((text, index) => ({ path: ["args", index], text })),
    ...Object.entries(server.environment).map(([name, text]) => ({ path: ["environment", name], text })),
  ];
}

interface Context {
  file: string;
  variables: Record<string, string | undefined>;
  dataDirectory: string;
  problems: string[];
}

/**
 * A variable a server needs that is not set stops start-up: the operator forgot it, and a
 * server that fails later, in the middle of someone's session, is worse than no start.
 */
function checkVariables(server: McpServerConfig, place: Place, context: Context): void {
  for (const { path: where, text } of textsOf(server)) {
    for (const variable of referencedVariables(text)) {
      if (context.variables[variable]?.trim()) continue;
      context.problems.push(
        `${context.file}: ${jsonPath([...place.path, ...where])} refers to \${${variable}}, which is not set: set ${variable} in Threadwork's environment (the MCP server "${place.name}" needs it), or remove the reference`,
      );
    }
  }
}

function checkReadOnlyPaths(server: McpServerConfig, place: Place, context: Context): void {
  if (server.transport !== "stdio") return;
  const data = path.resolve(context.dataDirectory);
  server.readOnlyPaths.forEach((shown, index) => {
    const where = `${context.file}: ${jsonPath([...place.path, "readOnlyPaths", index])}`;
    const resolved = path.resolve(shown);
    if (resolved === "/")
      context.problems.push(
        `${where} would show the server the whole host: name only what it needs, such as where its package is installed`,
      );
    else if (resolved === data || resolved.startsWith(`${data}/`))
      context.problems.push(
        `${where} is or is inside Threadwork's data directory (${data}), which no MCP server may see: a server gets an agent's working copy through \${workspace}`,
      );
  });
}

function resolveEntry(entry: McpServerEntry, place: Place, context: Context): McpServerConfig {
  const server = withDefaults(entry, place);
  checkVariables(server, place, context);
  checkReadOnlyPaths(server, place, context);
  return server;
}

/**
 * The file's MCP servers, the deployment's then each repository's, with their defaults, and
 * what stops start-up: an unset variable, a path into the data directory, a repository's
 * server named like a deployment one (its workers would get two `name__` tool sets).
 */
export function mcpServersFromFile(
  file: ParsedConfigFile | undefined,
  variables: Record<string, string | undefined>,
  dataDirectory: string,
): { servers: McpServerConfig[]; problems: string[] } {
  const settings = file?.settings;
  if (file === undefined || settings === undefined) return { servers: [], problems: [] };
  const context: Context = { file: file.path, variables, dataDirectory, problems: [] };
  const servers: McpServerConfig[] = [];
  const deploymentNames = new Set(Object.keys(settings.mcpServers ?? {}));
  for (const [name, entry] of Object.entries(settings.mcpServers ?? {}))
    servers.push(resolveEntry(entry, { name, repository: undefined, path: ["mcpServers", name] }, context));
  for (const [repository, repositorySettings] of Object.entries(settings.repositories ?? {})) {
    for (const [name, entry] of Object.entries(repositorySettings.mcpServers ?? {})) {
      const place = { name, repository, path: ["repositories", repository, "mcpServers", name] };
      if (deploymentNames.has(name)) {
        context.problems.push(
          `${file.path}: ${jsonPath(place.path)} has the name of the deployment's server ${jsonPath(["mcpServers", name])}: the repository's workers would get both as ${name}__…; rename one`,
        );
      }
      servers.push(resolveEntry(entry, place, context));
    }
  }
  return { servers, problems: context.problems };
}
