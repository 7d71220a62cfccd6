import { z } from "zod";
import { defineTool } from "../../domain/tool.ts";
import type { AgentToolContext } from "./agent-tool-context.ts";

export const nameSessionTool = defineTool({
  name: "name_session",
  description:
    "Name the task of this conversation in a few words (e.g. 'Fix flaky queue tests'); the chat shows it in its list of sessions. Call it once you understand the task, and again only if the task changes.",
  input: z.object({ title: z.string().min(1).max(120) }),
  risk: "safe",
  async execute(input, context: AgentToolContext) {
    const title = await context.services.nameSession(input.title);
    return `The session is now titled "${title}".`;
  },
});
