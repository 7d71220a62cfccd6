import { writeStep } from "../adapters/database/agent-steps.ts";
import { quietEventTypes } from "../adapters/database/agent-sweeps.ts";
import type { AgentRow } from "../adapters/database/agents.ts";
import { consumedEventsRow, type EventRow } from "../adapters/database/events.ts";
import { loadStepState } from "../adapters/database/step-state.ts";
import { loadTranscript, type TranscriptEntry } from "../adapters/database/transcript.ts";
import { isTerminal } from "../domain/agent-state.ts";
import { toolResultCharacterCap } from "../domain/context-window.ts";
import { errorMessage } from "../domain/errors.ts";
import type { MessagePart, TextPart } from "../domain/messages.ts";
import { eventText, isDecisionEvent } from "../domain/prompts/event-text.ts";
import { repositoryInstructionsText, workerEnvironmentText } from "../domain/prompts/worker-environment.ts";
import { type AnyTool, parseWorkspace } from "../domain/tool.ts";
import { capText } from "../domain/tool-output.ts";
import { planNextStep } from "../domain/transcript.ts";
import { supervisorTools, workerTools } from "../tools/agent/agent-tools.ts";
import { createAgentServices } from "./agent-services.ts";
import { ensureRunning, failAgent, restSupervisor } from "./agent-status.ts";
import { answerCallsOfCancelledWorker } from "./cancelled-calls.ts";
import { contextWindowFor } from "./context-budget.ts";
import type { RuntimeKernel } from "./kernel.ts";
import type { McpAgentTools } from "./mcp-agent-tools.ts";
import { modelStep } from "./model-step.ts";
import { planGate } from "./plan-gate.ts";
import { prepareWorkspace } from "./prepare-workspace.ts";
import { placedFilesParts, sharedFileParts } from "./shared-file-parts.ts";
import { telemetryAgent } from "./snapshots.ts";
import type { StepOutcome } from "./step-outcome.ts";
import { toolStep } from "./tool-step.ts";
import { endsWithoutReply } from "./turn-failure.ts";

/**
 * The transcript a runner has read while it holds the agent's lease. Transcripts are
 * append-only, so each step reads only the messages after the last one kept here.
 */
export interface TranscriptMemory {
  entries: TranscriptEntry[];
}

interface StepOptions {
  /**
   * A stopping process takes only a step that costs nothing and ends the agent's turn
   * (a supervisor going idle); any other step is "deferred" to the next instance.
   */
  restOnly?: boolean;
}

export interface AgentRunner {
  /** Plans and runs the agent's next step; "stop" when it has nothing to do now. */
  runOneStep(
    agentId: string,
    signal?: AbortSignal,
    memory?: TranscriptMemory,
    options?: StepOptions,
  ): Promise<StepOutcome | "deferred">;
}

/** The whole transcript: the remembered entries plus `tail`, the messages stored after them. */
async function rememberTranscript(
  kernel: RuntimeKernel,
  agentId: string,
  memory: TranscriptMemory,
  tail: TranscriptEntry[],
): Promise<TranscriptEntry[]> {
  const lastSeq = memory.entries.at(-1)?.seq;
  if (lastSeq === undefined) {
    memory.entries = tail;
    return memory.entries;
  }
  if (tail.length > 0 && tail[0]?.seq !== lastSeq + 1) {
    // Not the contiguous tail we expected: forget what we kept and read it all.
    memory.entries = await loadTranscript(kernel.db, agentId);
    return memory.entries;
  }
  if (tail.length > 0) memory.entries = [...memory.entries, ...tail];
  return memory.entries;
}

/**
 * A mailbox event as transcript text, cut to the tool-result cap: a worker's summary can be as
 * long as it likes, and a thread's history runs to hundreds of kilobytes. Decisions (the brief,
 * the supervisor's and the owner's messages) are marked to be kept verbatim by compactions.
 */
function eventPart(event: EventRow, cap: number): TextPart {
  const mailboxEvent = { type: event.type, payload: event.payload };
  const text = capText(eventText(mailboxEvent), cap);
  return isDecisionEvent(mailboxEvent) ? { type: "text", text, verbatim: true } : { type: "text", text };
}

/**
 * What a worker with a repository learns with its brief: its environment and the repository's
 * own instructions. Stored with the brief, so the first message stays the same bytes for good.
 */
async function environmentParts(
  kernel: RuntimeKernel,
  agent: AgentRow,
  brief: EventRow,
  tools: AnyTool[],
): Promise<TextPart[]> {
  const workspace = parseWorkspace(agent.workspace);
  const describe = kernel.workspaces?.describeWorkspace;
  if (agent.role !== "worker" || !workspace || !describe) return [];
  const briefText = typeof brief.payload.brief === "string" ? brief.payload.brief : "";
  let description: Awaited<ReturnType<typeof describe>>;
  try {
    description = await describe({ workspace, brief: briefText });
  } catch (error) {
    kernel.logger.warn({ agentId: agent.id, error: errorMessage(error) }, "could not describe the workspace");
    return [];
  }
  const toolNames = tools.map((tool) => tool.name);
  const parts: TextPart[] = [
    { type: "text", text: workerEnvironmentText(workspace, description, toolNames), verbatim: true },
  ];
  const instructions = repositoryInstructionsText(description.instructions);
  if (instructions !== "") parts.push({ type: "text", text: instructions, verbatim: true });
  return parts;
}

export function createAgentRunner(
  kernel: RuntimeKernel,
  extra: { workerTools: AnyTool[]; supervisorTools: AnyTool[]; mcpTools: McpAgentTools },
): AgentRunner {
  const builtInFor = (agent: AgentRow): AnyTool[] =>
    agent.role === "supervisor"
      ? [...supervisorTools, ...extra.supervisorTools]
      : [...workerTools, ...extra.workerTools];

  /** Built-in tools, then the agent's MCP tools from its stored listing, always in that order. */
  async function toolsFor(agent: AgentRow): Promise<{ tools: AnyTool[]; systemText: string }> {
    const builtIn = builtInFor(agent);
    const mcp = await extra.mcpTools.forAgent(agent, builtIn);
    return {
      tools: mcp.tools.length === 0 ? builtIn : [...builtIn, ...mcp.tools],
      systemText: mcp.systemText,
    };
  }

  async function drain(agent: AgentRow, events: EventRow[], seq: number): Promise<StepOutcome> {
    const running = await ensureRunning(kernel, agent);
    if (!running) return "stop";
    const cap = toolResultCharacterCap(
      kernel.options.maxToolResultCharacters,
      contextWindowFor(kernel, running.model),
    );
    const parts: MessagePart[] = [];
    for (const event of events) {
      parts.push(eventPart(event, cap), ...sharedFileParts(event));
      if (event.type !== "brief") continue;
      const { tools } = await toolsFor(running);
      parts.push(...(await environmentParts(kernel, running, event, tools)));
      if (running.role === "worker")
        parts.push(...(await placedFilesParts(parseWorkspace(running.workspace))));
    }
    // One statement: the step check, the message and the events marked consumed.
    await writeStep(kernel.db, running.id, running.step, {}, { seq, message: { role: "user", parts } }, [
      consumedEventsRow(events.map((event) => event.id)),
    ]);
    return "continue";
  }

  return {
    async runOneStep(agentId, signal = new AbortController().signal, memory = { entries: [] }, options = {}) {
      // One statement: the agent row, the transcript's tail, the mailbox and what a turn checks first.
      const state = await loadStepState(kernel.db, agentId, memory.entries.at(-1)?.seq);
      if (!state) return "stop";
      if (isTerminal(state.agent.status)) {
        if (state.agent.status !== "cancelled") return "stop";
        const entries = await rememberTranscript(kernel, agentId, memory, state.transcript);
        return answerCallsOfCancelledWorker(kernel, state.agent, entries);
      }
      const { agent: loaded, events } = state;
      const entries = await rememberTranscript(kernel, agentId, memory, state.transcript);
      const transcript = entries.map((entry) => entry.message);
      const waking = events.some((event) => !quietEventTypes.includes(event.type));
      // Progress notes alone do not cost a turn; they ride along with the next one.
      const turnDue = transcript.at(-1)?.role === "user";
      const plan = planNextStep(transcript, waking || (events.length > 0 && turnDue));
      if (options.restOnly && plan.kind !== "rest") return "deferred";
      if (loaded.deadlineAt && loaded.deadlineAt.getTime() <= kernel.now().getTime()) {
        await failAgent(kernel, loaded, "timed out");
        return "stop";
      }
      const prepared = await prepareWorkspace(kernel, loaded, signal);
      if (prepared.kind === "stop") return "stop";
      // Setup's report waits in the mailbox: the next step reads it with the brief.
      if (prepared.kind === "prepared") return "continue";
      const agent = prepared.agent;
      // The step check serialises writers, so the next seq is free unless another runner moved on.
      const seq = (entries.at(-1)?.seq ?? -1) + 1;
      kernel.telemetry.stepStarted(telemetryAgent(agent), plan.kind === "turn" ? "model" : plan.kind);
      switch (plan.kind) {
        case "tool": {
          const planned = await planGate(kernel, agent, entries, seq, plan.call);
          if (planned !== "proceed") return planned;
          return toolStep(
            kernel,
            agent,
            seq,
            plan.call,
            (await toolsFor(agent)).tools,
            (running, onFinish, call) => createAgentServices(kernel, running, onFinish, call),
            signal,
          );
        }
        case "drain":
          return drain(agent, events, seq);
        case "turn": {
          const { tools, systemText } = await toolsFor(agent);
          return modelStep(kernel, agent, entries, seq, { tools, systemText }, signal, {
            budgeted: state.budgeted,
            involvesHumans: state.involvesHumans,
          });
        }
        case "rest":
          if (agent.role === "supervisor") await restSupervisor(kernel, agent, endsWithoutReply(transcript));
          return "stop";
      }
    },
  };
}
