import { z } from "zod";
import { defineTool } from "../../domain/tool.ts";
import type { AgentToolContext } from "./agent-tool-context.ts";

export const readContextTool = defineTool({
  name: "read_context",
  description:
    "Read the session's shared context. Without a key, lists the keys; with a key, returns its latest value.",
  input: z.object({ key: z.string().min(1).optional() }),
  risk: "safe",
  async execute(input, context: AgentToolContext) {
    if (input.key === undefined) {
      const keys = await context.services.listContext();
      if (keys.length === 0) return "The shared context is empty.";
      return keys.map((entry) => `${entry.key} (version ${entry.version})`).join("\n");
    }
    const value = await context.services.readContext(input.key);
    return value ?? `No context entry named "${input.key}".`;
  },
});

export const writeContextTool = defineTool({
  name: "write_context",
  description:
    "Write a value into the session's shared context under a key (a new version each time). Use it for large outputs and pass the key on.",
  input: z.object({ key: z.string().min(1).max(200), value: z.string() }),
  risk: "safe",
  async execute(input, context: AgentToolContext) {
    const { version } = await context.services.writeContext(input.key, input.value);
    return `Wrote "${input.key}" (version ${version}, ${input.value.length} characters).`;
  },
});
