import { z } from "zod";
import { type CheckSettings, defaultCheckTimeoutSeconds } from "./environment.ts";

/** `safe` tools run at once; `risky` ones wait for a human's approval unless a rule allows them. */
export type ToolRisk = "safe" | "risky";

/** What a coding tool works in: one agent's isolated working copy. */
export interface Workspace {
  repoName: string;
  /** Absolute path of the working copy. */
  root: string;
  branch: string;
  /** Commit the branch started from; `git_diff` compares against it. */
  baseCommit: string;
  /** Network for the agent's commands, the repository's policy; absent means off. */
  network?: "off" | "on";
  /** The repository's check, which `finish` runs; absent when it has none. */
  check?: CheckSettings;
  /** How the repository's environment setup went; absent when it has none. */
  setup?: WorkspaceSetup;
}

/** A workspace's setup as its record keeps it; the output is in the `environment-setup` audit row. */
export interface WorkspaceSetup {
  status: "passed" | "failed";
  source: "ran" | "cache";
  command: string;
  durationMs: number;
  reason?: string;
}

const workspaceSchema: z.ZodType<Workspace> = z.object({
  repoName: z.string(),
  root: z.string(),
  branch: z.string(),
  baseCommit: z.string(),
  network: z.enum(["off", "on"]).optional(),
  check: z
    .object({
      command: z.string(),
      retries: z.number().int().nonnegative(),
      // Records written before the timeout was stored in them.
      timeoutSeconds: z.number().int().positive().default(defaultCheckTimeoutSeconds),
    })
    .optional(),
  setup: z
    .object({
      status: z.enum(["passed", "failed"]),
      source: z.enum(["ran", "cache"]),
      command: z.string(),
      durationMs: z.number(),
      reason: z.string().optional(),
    })
    .optional(),
});

/** A stored workspace, or undefined when there is none or it is not one this version wrote. */
export function parseWorkspace(value: unknown): Workspace | undefined {
  const parsed = workspaceSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Where a tool call's audit row stands: `started` until it finishes one of the other ways. */
export type ToolCallStatus =
  | "started"
  | "finished"
  | "failed"
  | "interrupted"
  | "denied"
  | "rejected"
  | "cancelled";

/** Whose call it is: what a risk or a description may depend on besides the input. */
export interface ToolCallScope {
  sessionId: string;
  agentId: string;
  /** The repository of the caller's workspace, when it has one: per-repository allow-lists depend on it. */
  repoName?: string;
}

export interface ToolContext extends ToolCallScope {
  /** The model's id for this call; a tool that was approved can look its approval up by it. */
  toolCallId?: string;
  signal: AbortSignal;
  workspace: Workspace | undefined;
}

/** What a tool that waits for a human's answer asks, e.g. `ask_user`. */
interface ToolQuestion {
  prompt: string;
  choices: string[] | null;
}

/**
 * The one way to define a tool. The runtime validates `input` with the zod schema,
 * asks for approval when `risk` says so, and turns a thrown error into an error result
 * the model sees.
 */
export interface ToolDefinition<Input = unknown, Context extends ToolContext = ToolContext> {
  name: string;
  description: string;
  input: z.ZodType<Input>;
  /**
   * The JSON Schema the model is given instead of `input`'s, for a tool whose schema comes from
   * elsewhere (an MCP server's); `input` then only checks the shape and the owner validates the rest.
   */
  inputJsonSchema?: Record<string, unknown>;
  /** The MCP server a tool comes from, for traces; absent for built-in tools. */
  mcpServer?: string;
  /** A function when the risk depends on the input or the calling session (e.g. a merge's target branch). */
  risk: ToolRisk | ((input: Input, scope: ToolCallScope) => ToolRisk);
  /** What a human reads in an approval request: exactly what will happen. */
  describe?: (input: Input, scope: ToolCallScope) => string | Promise<string>;
  /** Whether "Always allow" may cover this input; defaults to yes. No for effects that must be seen each time. */
  allowAlways?: (input: Input, scope: ToolCallScope) => boolean;
  /** Present when the tool waits for a human's answer before it runs; `execute` then reads it from its context. */
  question?: (input: Input) => ToolQuestion;
  execute(input: Input, context: Context): Promise<string>;
}

/**
 * The input type comes from the `input` schema and the context type from `execute`'s
 * annotation, so neither is written twice:
 * `defineTool({ input: z.object({ text: z.string() }), execute(input, context: AgentToolContext) {…} })`.
 */
export function defineTool<Input, Context extends ToolContext = ToolContext>(
  definition: ToolDefinition<Input, Context>,
): ToolDefinition<Input, Context> {
  return definition;
}

/** Without a scope, a session-dependent risk sees no session, which matches no session's branches: risky. */
const noScope: ToolCallScope = { sessionId: "", agentId: "" };

export function riskOf<Input>(
  tool: ToolDefinition<Input, never>,
  input: Input,
  scope: ToolCallScope = noScope,
): ToolRisk {
  return typeof tool.risk === "function" ? tool.risk(input, scope) : tool.risk;
}

/** Any tool: its context is at least a ToolContext. */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds tools of every input type
export type AnyTool = ToolDefinition<any, any>;
