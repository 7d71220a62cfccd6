import { z } from "zod";
import type { ToolSchema } from "../domain/messages.ts";
import type { AnyTool } from "../domain/tool.ts";

export function toolSchemaOf(tool: AnyTool): ToolSchema {
  const schema = z.toJSONSchema(tool.input, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  const { $schema: _ignored, ...inputSchema } = schema;
  return { name: tool.name, description: tool.description, inputSchema };
}
