import { z } from "zod";
import type { ToolSchema } from "../domain/messages.ts";
import type { AnyTool } from "../domain/tool.ts";

/** Tools never change once defined, so each one's JSON schema is built once, not every turn. */
const schemas = new WeakMap<AnyTool, ToolSchema>();

export function toolSchemaOf(tool: AnyTool): ToolSchema {
  const cached = schemas.get(tool);
  if (cached) return cached;
  const schema =
    tool.inputJsonSchema ??
    (z.toJSONSchema(tool.input, { io: "input", unrepresentable: "any" }) as Record<string, unknown>);
  const { $schema: _ignored, ...inputSchema } = schema;
  const built = { name: tool.name, description: tool.description, inputSchema };
  schemas.set(tool, built);
  return built;
}
