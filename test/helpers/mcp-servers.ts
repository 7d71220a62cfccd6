import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { createMcpServers, type McpServersOptions } from "../../src/adapters/mcp/create-mcp-servers.ts";
import type { McpAgentScope, McpCallOptions, McpServers } from "../../src/adapters/mcp/mcp-servers-port.ts";
import type { McpHttpServerConfig, McpStdioServerConfig } from "../../src/config/mcp-config.ts";
import type { Workspace } from "../../src/domain/tool.ts";
import { createLogger, type Logger } from "../../src/logger.ts";
import { eventually } from "./eventually.ts";
import { freePort } from "./free-port.ts";

const root = path.resolve(import.meta.dirname, "../..");
/** Where the MCP project's reference servers are installed; shown read-only to sandboxed servers. */
export const nodeModules = path.join(root, "node_modules");
export const everythingScript = path.join(
  nodeModules,
  "@modelcontextprotocol/server-everything/dist/index.js",
);
export const filesystemScript = path.join(
  nodeModules,
  "@modelcontextprotocol/server-filesystem/dist/index.js",
);

const common = {
  use: "both",
  policy: "ask",
  trustAnnotations: false,
  tools: {},
  timeoutSeconds: 30,
} as const;

export function everythingOverStdio(overrides: Partial<McpStdioServerConfig> = {}): McpStdioServerConfig {
  return {
    ...common,
    name: "everything",
    transport: "stdio",
    command: "node",
    args: [everythingScript, "stdio"],
    environment: {},
    network: "off",
    readOnlyPaths: [nodeModules],
    ...overrides,
  };
}

export function everythingOverHttp(
  url: string,
  overrides: Partial<McpHttpServerConfig> = {},
): McpHttpServerConfig {
  return { ...common, name: "everything", transport: "http", url, headers: {}, ...overrides };
}

export function filesystemServer(
  args: string[],
  overrides: Partial<McpStdioServerConfig> = {},
): McpStdioServerConfig {
  return everythingOverStdio({ name: "files", args: [filesystemScript, ...args], ...overrides });
}

/** A debug logger whose JSON lines land in `lines`. */
export function debugLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: "debug", environment: "test", destination }), lines };
}

export function testMcpServers(
  options: Partial<McpServersOptions> & Pick<McpServersOptions, "servers" | "dataDir">,
): McpServers {
  return createMcpServers({
    environment: {},
    sandbox: "required",
    searchPath: process.env.PATH ?? "",
    logger: debugLogger().logger,
    ...options,
  });
}

export function scopeOf(agentId: string, workspace?: Workspace): McpAgentScope {
  return {
    sessionId: "session-1",
    agentId,
    role: workspace ? "worker" : "supervisor",
    ...(workspace ? { workspace } : {}),
  };
}

export function workspaceAt(root: string): Workspace {
  return { repoName: "widgets", root, branch: "threadwork/test", baseCommit: "0".repeat(40) };
}

/** Call options that never expect a question. */
export function plainCall(signal = new AbortController().signal): McpCallOptions {
  return { signal, elicit: async () => ({ action: "decline" }) };
}

export function textOf(result: { content: { type: string; text?: string }[] }): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

export async function scratchDirectory(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const directory = await mkdtemp(path.join(tmpdir(), `${prefix}-`));
  return { path: directory, remove: () => rm(directory, { recursive: true, force: true }) };
}

function parentOf(pid: string): string | undefined {
  try {
    // The command name (in parentheses) may hold spaces: the fields after it are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1];
  } catch {
    return undefined;
  }
}

/** Processes below `ancestor` whose command line contains `text`, their first word being `program`. */
export function descendantsRunning(ancestor: number, program: string, text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let commandLine: string[];
    try {
      commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue;
    }
    if (path.basename(commandLine[0] ?? "") !== program || !commandLine.some((word) => word.includes(text)))
      continue;
    for (let pid: string | undefined = entry; pid && pid !== "0"; pid = parentOf(pid)) {
      if (pid === String(ancestor)) {
        found.push(Number(entry));
        break;
      }
    }
  }
  return found;
}

/** server-everything in its Streamable HTTP mode on a free loopback port. */
export async function startEverythingOverHttp(): Promise<{
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  const child = spawn(path.join(nodeModules, ".bin/node"), [everythingScript, "streamableHttp"], {
    env: { PATH: process.env.PATH ?? "", PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}/mcp`;
  await eventually(
    async () => {
      try {
        await fetch(url, { method: "GET" });
        return true;
      } catch {
        return false;
      }
    },
    { message: () => `server-everything did not listen on ${port}: ${output}` },
  );
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** `${name}` as a configuration file writes it. */
export function reference(name: string): string {
  return `\${${name}}`;
}
