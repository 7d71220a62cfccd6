import { z } from "zod";
import { describeCheckOutcome } from "../../domain/environment.ts";
import { ToolError } from "../../domain/errors.ts";
import { defineTool } from "../../domain/tool.ts";
import type { AgentToolContext } from "./agent-tool-context.ts";

export const askUserTool = defineTool({
  name: "ask_user",
  description:
    "Ask the user a question and wait for the answer. Use it only when blocked by a decision you cannot make; offer choices when you can.",
  input: z.object({ question: z.string().min(1), choices: z.array(z.string().min(1)).max(10).optional() }),
  risk: "safe",
  question: (input) => ({ prompt: input.question, choices: input.choices ?? null }),
  async execute(_input, context: AgentToolContext) {
    return `The user answered: ${context.answer ?? ""}`;
  },
});

export const reportProgressTool = defineTool({
  name: "report_progress",
  description: "Tell the supervisor and the user about a milestone, in one short line.",
  input: z.object({ text: z.string().min(1).max(500) }),
  risk: "safe",
  async execute(input, context: AgentToolContext) {
    await context.services.reportProgress(input.text);
    return "Progress reported.";
  },
});

export const finishTool = defineTool({
  name: "finish",
  description:
    "Finish your work with a short structured summary: what you did, the result (branch, files, key facts) and anything left open. " +
    "In a repository with a check command, finish commits your work and runs the check on a clean checkout of that commit " +
    "(dependencies from setup, a fresh home; nothing else from your working copy); " +
    "a failing check comes back as this tool's error, a limited number of times.",
  input: z.object({ summary: z.string().min(1) }),
  risk: "safe",
  async execute(input, context: AgentToolContext) {
    const verdict = await context.services.checkBeforeFinishing(input.summary, context.signal);
    if (verdict.kind === "retry") throw new ToolError(verdict.message);
    await context.services.finish(input.summary, verdict.check);
    if (!verdict.check) return "Finished.";
    return `Finished. The check \`${verdict.check.command}\` ${describeCheckOutcome(verdict.check)}.`;
  },
});
