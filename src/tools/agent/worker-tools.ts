import { z } from "zod";
import { defineTool } from "../../domain/tool.ts";
import type { AgentToolContext } from "./agent-tool-context.ts";

/** `question` marks a tool that waits for a human's answer before it runs. */
export const askUserTool = {
  ...defineTool<{ question: string; choices?: string[] | undefined }, AgentToolContext>({
    name: "ask_user",
    description:
      "Ask the user a question and wait for the answer. Use it only when blocked by a decision you cannot make; offer choices when you can.",
    input: z.object({ question: z.string().min(1), choices: z.array(z.string().min(1)).max(10).optional() }),
    risk: "safe",
    async execute(_input, context) {
      return `The user answered: ${context.answer ?? ""}`;
    },
  }),
  question: (input: { question: string; choices?: string[] | undefined }) => ({
    prompt: input.question,
    choices: input.choices ?? null,
  }),
};

export const reportProgressTool = defineTool<{ text: string }, AgentToolContext>({
  name: "report_progress",
  description: "Tell the supervisor and the user about a milestone, in one short line.",
  input: z.object({ text: z.string().min(1).max(500) }),
  risk: "safe",
  async execute(input, context) {
    await context.services.reportProgress(input.text);
    return "Progress reported.";
  },
});

export const finishTool = defineTool<{ summary: string }, AgentToolContext>({
  name: "finish",
  description:
    "Finish your work with a short structured summary: what you did, the result (branch, files, key facts) and anything left open.",
  input: z.object({ summary: z.string().min(1) }),
  risk: "safe",
  async execute(input, context) {
    await context.services.finish(input.summary);
    return "Finished.";
  },
});
