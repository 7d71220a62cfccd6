import { z } from "zod";
import { ToolError } from "../../domain/errors.ts";
import { defineTool } from "../../domain/tool.ts";
import { readToolOutputName, safeBoundary } from "../../domain/tool-output.ts";
import type { AgentToolContext } from "./agent-tool-context.ts";

/** Characters per call; below the runtime's result cap, so a page is never cut again. */
const toolOutputPageCharacters = 40_000;

export const readToolOutputTool = defineTool({
  name: readToolOutputName,
  description:
    "Read part of one of your earlier tool results that was cut because it was too long: " +
    `the tool_call_id and offset from the note in that result, at most ${toolOutputPageCharacters} characters per call.`,
  input: z.object({
    tool_call_id: z.string().min(1),
    offset: z.number().int().min(0).optional(),
    length: z.number().int().min(1).max(toolOutputPageCharacters).optional(),
  }),
  risk: "safe",
  async execute(input, context: AgentToolContext) {
    const output = await context.services.toolOutput(input.tool_call_id);
    if (output === undefined) {
      throw new ToolError(`No stored result for tool call ${input.tool_call_id} of this agent.`);
    }
    const offset = input.offset ?? 0;
    if (offset >= output.length) {
      throw new ToolError(`offset ${offset} is past the end of the result (${output.length} characters).`);
    }
    const end = safeBoundary(
      output,
      Math.min(output.length, offset + (input.length ?? toolOutputPageCharacters)),
    );
    const page = output.slice(offset, end);
    if (end >= output.length)
      return `${page}\n[end of result: characters ${offset}-${end} of ${output.length}]`;
    return `${page}\n[characters ${offset}-${end} of ${output.length}; continue with offset=${end}]`;
  },
});
