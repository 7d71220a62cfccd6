import { z } from "zod";
import { defaultMcpTimeoutSeconds } from "./mcp-config.ts";
import {
  absolutePath,
  command,
  environmentVariableName,
  headerName,
  namedValues,
  serverArgs,
  serverText,
  serverUrl,
} from "./mcp-config-values.ts";
import { referencedVariables, usesWorkspace } from "./mcp-references.ts";

/**
 * The schema of an entry of `mcpServers`, at the top level of `threadwork.config.json` (the
 * deployment's servers) and under a repository (that repository's workers' servers). The
 * resolved form, with its defaults, is `McpServerConfig` (`mcp-config.ts`).
 */

type Scope = "deployment" | "repository";

/**
 * The longest server name. Tools reach models as `name__tool`, and both providers cap a tool's
 * name at 64 characters: 20 leaves 42 for the server's own tool names.
 */
export const maximumMcpServerNameLength = 20;

const serverName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "must start with a letter and hold only letters, digits, - and _")
  .max(maximumMcpServerNameLength, `must be at most ${maximumMcpServerNameLength} characters`)
  .refine(
    (name) => !name.includes("__") && !name.endsWith("_"),
    "must not hold __ or end with _: tools are named server__tool, so the name must show where it ends",
  );

const policy = z.enum(["safe", "ask", "never"], { error: 'must be "safe", "ask" or "never"' });
const audience = z.enum(["supervisor", "workers", "both"], {
  error: 'must be "supervisor", "workers" or "both"',
});
const repositoryAudienceRule =
  "must be \"workers\": a repository's server reaches only that repository's workers; list it in the top-level mcpServers to offer it to the supervisor";

function useSchema(scope: Scope, description: string, example: string) {
  const base =
    scope === "repository" ? audience.refine((use) => use === "workers", repositoryAudienceRule) : audience;
  return base.optional().meta({ description, examples: [example] });
}

const toolName = z
  .string()
  .regex(
    /^[A-Za-z0-9_./-]{1,128}$/,
    "must be the tool's name as the server lists it: letters, digits, _ - . / (at most 128)",
  );

const toolSchema = (scope: Scope) =>
  z
    .strictObject({
      policy: policy.optional().meta({
        description: "This tool's policy, overriding the server's.",
        examples: ["safe"],
      }),
      use: useSchema(scope, "Who may use this tool: the server's `use` or narrower, never wider.", "workers"),
    })
    .meta({ description: "Overrides for one tool.", examples: [{ policy: "safe" }] });

function commonFields(scope: Scope) {
  return {
    use: useSchema(
      scope,
      scope === "repository"
        ? "Who may use the server. A repository's server reaches only that repository's workers: only \"workers\" (the default) is allowed."
        : 'Who may use the server: "supervisor", "workers" or "both" (the default).',
      scope === "repository" ? "workers" : "both",
    ),
    policy: policy.optional().meta({
      description:
        '"safe": tools run without approval; "ask" (the default): each call waits for a person\'s Approve; "never": tools are not offered.',
      examples: ["ask"],
    }),
    trustAnnotations: z
      .boolean()
      .optional()
      .meta({
        description:
          "Let tools the server marks readOnlyHint run without approval. Default false: annotations are the server's claims, not facts.",
        examples: [false],
      }),
    tools: z
      .record(toolName, toolSchema(scope))
      .optional()
      .meta({
        description: "Per-tool `policy` and `use`, by the tool's name on the server.",
        examples: [{ create_issue: { policy: "ask" }, search_issues: { policy: "safe" } }],
      }),
    timeoutSeconds: z
      .number()
      .int("must be a whole number of seconds")
      .positive("must be more than 0")
      .max(3600, "must be at most 3,600 (an hour)")
      .optional()
      .meta({
        description: `How long one call may take; start-up and a person's answers are not counted. Default ${defaultMcpTimeoutSeconds}.`,
        examples: [defaultMcpTimeoutSeconds],
      }),
  };
}

function stdioSchema(scope: Scope) {
  return z
    .strictObject({
      transport: z.literal("stdio").meta({
        description:
          "The server is a program Threadwork starts, in the command sandbox, speaking MCP on stdin and stdout.",
        examples: ["stdio"],
      }),
      command: command.meta({
        description:
          "The executable: a name on Threadwork's PATH or an absolute path. Install the server's package and point here (see docs/configuration.md): `npx -y` needs the network and a writable npm cache.",
        examples: ["node"],
      }),
      args: serverArgs.optional().meta({
        description: "Arguments, passed as they are (no shell). `${NAME}` and `${workspace}` are replaced.",
        examples: [["/opt/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js", "stdio"]],
      }),
      environment: namedValues(
        environmentVariableName,
        true,
        serverText(true).meta({ description: "The variable's value.", examples: ["${TRACKER_TOKEN}"] }),
      )
        .optional()
        .meta({
          description:
            "The server's environment besides PATH and HOME; nothing else of Threadwork's is passed. Secrets as `${NAME}`, read from Threadwork's environment.",
          examples: [{ TRACKER_TOKEN: "${TRACKER_TOKEN}" }],
        }),
      network: z
        .enum(["off", "on"], { error: 'must be "off" or "on"' })
        .optional()
        .meta({ description: "Network access for the server. Default off.", examples: ["off"] }),
      readOnlyPaths: z
        .array(absolutePath.meta({ description: "An absolute path.", examples: ["/opt/mcp/node_modules"] }))
        .max(50, "must have at most 50 paths")
        .optional()
        .meta({
          description:
            "Host paths the sandbox shows the server read-only, e.g. where its package is installed. Absolute; Threadwork's data directory is never shown.",
          examples: [["/opt/mcp"]],
        }),
      ...commonFields(scope),
    })
    .meta({
      description: "A server Threadwork starts as a program (stdio).",
      examples: [{ transport: "stdio", command: "node", args: ["/opt/mcp/server.js"] }],
    });
}

function httpSchema(scope: Scope) {
  return z
    .strictObject({
      transport: z.literal("http").meta({
        description: "The server is reached over Streamable HTTP at `url`.",
        examples: ["http"],
      }),
      url: serverUrl.meta({
        description: "The Streamable HTTP endpoint, written whole (no references); requests go here only.",
        examples: ["https://tracker.example.com/mcp"],
      }),
      headers: namedValues(
        headerName,
        false,
        serverText(false).meta({ description: "The header's value.", examples: ["Bearer ${TRACKER_TOKEN}"] }),
      )
        .optional()
        .meta({
          description:
            "Headers sent with every request. Secrets as `${NAME}`, read from Threadwork's environment.",
          examples: [{ Authorization: "Bearer ${TRACKER_TOKEN}" }],
        }),
      ...commonFields(scope),
    })
    .meta({
      description: "A server reached over Streamable HTTP.",
      examples: [{ transport: "http", url: "https://tracker.example.com/mcp" }],
    });
}

type ServerEntry = z.infer<ReturnType<typeof stdioSchema>> | z.infer<ReturnType<typeof httpSchema>>;

const narrows: Record<string, string[]> = {
  both: ["supervisor", "workers", "both"],
  workers: ["workers"],
  supervisor: ["supervisor"],
};

function isLoopback(url: URL): boolean {
  return ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

/** Rules across fields of one entry. */
function checkEntry(scope: Scope, entry: ServerEntry, context: z.core.$RefinementCtx<ServerEntry>): void {
  const use = entry.use ?? (scope === "repository" ? "workers" : "both");
  // A repository's server and its tools can only say "workers": `use` itself refuses the rest.
  for (const [name, tool] of Object.entries(scope === "repository" ? {} : (entry.tools ?? {}))) {
    if (tool.use !== undefined && !narrows[use]?.includes(tool.use))
      context.addIssue({
        code: "custom",
        path: ["tools", name, "use"],
        message: `must be within its server's use ("${use}"): a tool cannot reach agents its server does not`,
      });
  }
  if (entry.transport === "stdio") {
    const texts = [...(entry.args ?? []), ...Object.values(entry.environment ?? {})];
    if (use === "supervisor" && texts.some(usesWorkspace))
      context.addIssue({
        code: "custom",
        path: ["use"],
        message:
          'is "supervisor", but args or environment use ${workspace}, a worker\'s working copy the supervisor has none of: use "workers" or "both"',
      });
    return;
  }
  const headerValues = Object.values(entry.headers ?? {});
  const url = URL.canParse(entry.url) ? new URL(entry.url) : undefined;
  const secret = headerValues.flatMap(referencedVariables)[0];
  if (url?.protocol === "http:" && !isLoopback(url) && secret !== undefined)
    context.addIssue({
      code: "custom",
      path: ["url"],
      message: `is plain http to another machine, and the headers would send \${${secret}} across the network in clear: use https`,
    });
}

/** `mcpServers`: servers by name, for the deployment or for one repository. */
export function mcpServersSchema(scope: Scope) {
  const entry = z
    .discriminatedUnion("transport", [stdioSchema(scope), httpSchema(scope)], {
      error: (issue) => (issue.code === "invalid_union" ? 'must be "stdio" or "http"' : undefined),
    })
    .superRefine((entry, context) => checkEntry(scope, entry, context))
    .meta({
      description:
        'One MCP server: a program Threadwork starts (`transport: "stdio"`) or a Streamable HTTP endpoint (`transport: "http"`).',
      examples: [
        {
          transport: "http",
          url: "https://tracker.example.com/mcp",
          headers: { Authorization: "Bearer ${TRACKER_TOKEN}" },
        },
      ],
    });
  return z
    .record(serverName, entry)
    .optional()
    .meta({
      description:
        scope === "repository"
          ? "MCP servers for this repository's workers only, by name, as the top-level `mcpServers`."
          : "MCP servers whose tools agents may use, by name; the name prefixes the tools' names (`tracker__create_issue`).",
      examples: [
        {
          tracker: {
            transport: "http",
            url: "https://tracker.example.com/mcp",
            headers: { Authorization: "Bearer ${TRACKER_TOKEN}" },
          },
        },
      ],
    });
}

export type McpServerEntry = ServerEntry;
