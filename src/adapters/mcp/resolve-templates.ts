import type { McpServerConfig } from "../../config/mcp-config.ts";
import { ServerSetupError } from "./server-setup-error.ts";

/** `${NAME}`: a variable of the service's environment, or `${workspace}`: the agent's working copy. */
const referencePattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const workspaceName = "workspace";

interface TemplateContext {
  environment: Record<string, string | undefined>;
  /** The agent's working copy; undefined for an agent without one. */
  workspace: string | undefined;
}

export type ResolvedServer =
  | { transport: "stdio"; command: string; args: string[]; environment: Record<string, string> }
  | { transport: "http"; url: string; headers: Record<string, string> };

function templateTexts(server: McpServerConfig): string[] {
  return server.transport === "stdio"
    ? [server.command, ...server.args, ...Object.values(server.environment)]
    : [server.url, ...Object.values(server.headers)];
}

function referencedNames(text: string): string[] {
  return [...text.matchAll(referencePattern)].map((match) => match[1] as string);
}

/** Whether the entry names `${workspace}`: it can start only for an agent that has one. */
export function needsWorkspace(server: McpServerConfig): boolean {
  return templateTexts(server).some((text) => referencedNames(text).includes(workspaceName));
}

function resolveText(text: string, context: TemplateContext): string {
  return text.replace(referencePattern, (_match, name: string) => {
    if (name === workspaceName) {
      if (context.workspace === undefined) {
        throw new ServerSetupError(`it names \${workspace}, and this agent has no workspace`);
      }
      return context.workspace;
    }
    const value = context.environment[name];
    if (value === undefined || value === "") {
      throw new ServerSetupError(`the environment variable ${name} it names is not set`);
    }
    return value;
  });
}

function resolveRecord(record: Record<string, string>, context: TemplateContext): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, resolveText(value, context)]));
}

/** The entry with every reference replaced. Throws `ServerSetupError`, whose message names a variable, never a value. */
export function resolveServer(server: McpServerConfig, context: TemplateContext): ResolvedServer {
  if (server.transport === "stdio") {
    return {
      transport: "stdio",
      command: resolveText(server.command, context),
      args: server.args.map((argument) => resolveText(argument, context)),
      environment: resolveRecord(server.environment, context),
    };
  }
  return {
    transport: "http",
    url: resolveText(server.url, context),
    headers: resolveRecord(server.headers, context),
  };
}

/** The values every `${NAME}` of these entries resolves to, set ones only: they are secrets. */
export function referencedValues(
  servers: McpServerConfig[],
  environment: Record<string, string | undefined>,
): string[] {
  const names = new Set(servers.flatMap(templateTexts).flatMap(referencedNames));
  names.delete(workspaceName);
  return [...names].flatMap((name) => {
    const value = environment[name];
    return value === undefined || value === "" ? [] : [value];
  });
}
