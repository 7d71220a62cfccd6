import type { z } from "zod";

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
}

export interface ToolContext {
  sessionId: string;
  agentId: string;
  signal: AbortSignal;
  workspace: Workspace | undefined;
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
  risk: ToolRisk | ((input: Input) => ToolRisk);
  /** One line a human reads in an approval request. */
  describe?: (input: Input) => string;
  execute(input: Input, context: Context): Promise<string>;
}

export function defineTool<Input, Context extends ToolContext = ToolContext>(
  definition: ToolDefinition<Input, Context>,
): ToolDefinition<Input, Context> {
  return definition;
}

export function riskOf<Input>(tool: ToolDefinition<Input, never>, input: Input): ToolRisk {
  return typeof tool.risk === "function" ? tool.risk(input) : tool.risk;
}
