import type { AgentRow } from "../adapters/database/agents.ts";
import { contextView, type NumberedMessage, needsCompaction } from "../domain/compaction.ts";
import { estimatePrefixTokens } from "../domain/context-window.ts";
import { supervisorPrompt } from "../domain/prompts/supervisor-prompt.ts";
import { workerPrompt } from "../domain/prompts/worker-prompt.ts";
import type { AnyTool } from "../domain/tool.ts";
import { parseModel } from "./agent-lifecycle.ts";
import { type CompactionRequest, compactionStep } from "./compaction-step.ts";
import { contextWindowFor, estimatePromptTokens } from "./context-budget.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { callModel, type TurnPrompt } from "./model-call.ts";
import { recordTurn } from "./record-turn.ts";
import type { StepOutcome } from "./step-outcome.ts";
import { toolSchemaOf } from "./tool-schemas.ts";
import { checkBeforeTurn, type ModelStepChecks } from "./turn-checks.ts";

/**
 * One model turn: the checks before it (turn limit, budget, the agent's slot), the provider
 * call, then the turn recorded. Before the call, a transcript that nears the model's context
 * window is compacted (a step of its own); a provider that refuses the prompt as too long, or
 * cuts the output at the window, gets a forced compaction and the turn is asked again in the next step.
 */
export async function modelStep(
  kernel: RuntimeKernel,
  agent: AgentRow,
  entries: NumberedMessage[],
  seq: number,
  { tools, systemText }: { tools: AnyTool[]; systemText: string },
  signal: AbortSignal,
  checks: ModelStepChecks,
): Promise<StepOutcome> {
  const running = await checkBeforeTurn(
    kernel,
    agent,
    entries.map((entry) => entry.message),
    checks,
  );
  if (!running) return "stop";

  const isSupervisor = running.role === "supervisor";
  const turnId = `${running.id}:${running.step}`;
  const prompt: TurnPrompt = {
    ref: parseModel(running.model),
    // The MCP servers' words are the agent's own, stored once: the same bytes every turn.
    system: `${isSupervisor ? supervisorPrompt : workerPrompt}${systemText}`,
    tools: tools.map(toolSchemaOf),
    view: contextView(entries),
    // The cached prefix must outlive a wait on a person: supervisors always wait on people,
    // workers once a question or approval is part of their story.
    cacheRetention: isSupervisor || checks.involvesHumans ? "long" : "short",
    ...(isSupervisor ? { streamTurnId: turnId } : {}),
  };
  const compaction: CompactionRequest = {
    ref: prompt.ref,
    windowTokens: contextWindowFor(kernel, running.model),
    entries,
    seq,
    signal,
  };
  const estimate = await estimatePromptTokens(
    kernel,
    running.id,
    entries,
    prompt.view,
    estimatePrefixTokens(prompt.system, prompt.tools),
    compaction.windowTokens,
  );
  if (needsCompaction(estimate, compaction.windowTokens)) {
    // With nothing left to fold in the turn goes ahead; a refusal from the provider forces one in `callModel`.
    const compacted = await compactionStep(kernel, running, compaction);
    if (compacted) return compacted;
  }

  const turn = await callModel(kernel, running, prompt, compaction);
  if (typeof turn === "string") return turn;
  return recordTurn(kernel, running, seq, prompt.ref, turn, turnId);
}
