import { updateAgentAtStep } from "../adapters/database/agent-steps.ts";
import type { AgentRow } from "../adapters/database/agents.ts";
import { enqueueEvent } from "../adapters/database/events.ts";
import { getSession } from "../adapters/database/sessions.ts";
import { finishToolCall } from "../adapters/database/tool-calls.ts";
import { describeSetupOutcome, type SetupOutcome, setupOutputId, tailOf } from "../domain/environment.ts";
import { errorMessage, StepConflictError } from "../domain/errors.ts";
import { sessionSettingsOf } from "../domain/session-settings.ts";
import type { Workspace, WorkspaceSetup } from "../domain/tool.ts";
import { ensureRunning, failAgent } from "./agent-status.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { placeSessionFiles } from "./place-session-files.ts";
import { agentSnapshot } from "./snapshots.ts";

/** Characters of a failed setup's output the worker's first message and Slack carry. */
const setupTailCharacters = 2000;

/**
 * The worker's view of its environment, read with its brief in its first message. Setup
 * output is the repository's text: it travels as event data, fenced like every event's.
 */
function setupEventPayload(workspace: Workspace, setup: SetupOutcome): Record<string, unknown> {
  return {
    repository: workspace.repoName,
    setup: `\`${setup.command}\` ${describeSetupOutcome(setup)}`,
    ...(setup.status === "failed" ? { outputEnd: tailOf(setup.output, setupTailCharacters) } : {}),
    fullOutput: `read_tool_output {"tool_call_id": "${setupOutputId}"}`,
    network:
      workspace.network === "on"
        ? "on: your commands can reach the network"
        : "off: your commands have no network (setup had it)",
    ...(workspace.check ? { check: `finish runs \`${workspace.check.command}\` first; it must pass` } : {}),
  };
}

type PreparedWorker =
  | { kind: "ready"; agent: AgentRow }
  /** Setup was recorded and announced in the mailbox: the next step reads it with the brief. */
  | { kind: "prepared"; agent: AgentRow }
  | { kind: "stop" };

/**
 * A worker with a repository gets its working copy, then (once it holds a slot) the
 * repository's environment setup, before its first turn. The workspace is recorded on the
 * agent only with setup's outcome, in one transaction with the output's audit row and the
 * worker's mailbox entry; a crash before that creates the working copy again (idempotent)
 * and gets setup's recorded outcome from the port, or runs setup again if it never finished.
 */
export async function prepareWorkspace(
  kernel: RuntimeKernel,
  agent: AgentRow,
  signal: AbortSignal,
): Promise<PreparedWorker> {
  const workspaces = kernel.workspaces;
  if (!workspaces || !agent.repo || agent.workspace || agent.role !== "worker")
    return { kind: "ready", agent };
  let workspace: Workspace;
  let setup: SetupOutcome | undefined;
  let current = agent;
  try {
    const session = await getSession(kernel.db, agent.sessionId);
    const settings = session ? sessionSettingsOf(session.metadata) : {};
    workspace = await workspaces.createWorkspace({
      sessionId: agent.sessionId,
      agentId: agent.id,
      repo: agent.repo,
      title: agent.title,
      // The channel's base branch belongs to the channel's repository only.
      ...(settings.baseBranch && settings.repository === agent.repo
        ? { baseBranch: settings.baseBranch }
        : {}),
    });
    kernel.lifecycle.workspaceCreated({
      sessionId: agent.sessionId,
      agentId: agent.id,
      repo: workspace.repoName,
      branch: workspace.branch,
    });
    await placeSessionFiles(kernel, agent, workspace);
    if (workspaces.prepareEnvironment) {
      // Setup costs what a worker's turns cost: it waits for a slot like them.
      const running = await ensureRunning(kernel, agent);
      if (!running) return { kind: "stop" };
      current = running;
      setup = await workspaces.prepareEnvironment({ workspace, signal });
    }
  } catch (error) {
    if (error instanceof StepConflictError || signal.aborted)
      throw new StepConflictError(agent.id, agent.step);
    await failAgent(
      kernel,
      current,
      `could not prepare the workspace for ${agent.repo}: ${errorMessage(error)}`,
    );
    return { kind: "stop" };
  }
  if (!setup) {
    const updated = await updateAgentAtStep(kernel.db, agent.id, current.step, { workspace });
    if (!updated) throw new StepConflictError(agent.id, current.step);
    return { kind: "ready", agent: updated };
  }
  const recorded: WorkspaceSetup = {
    status: setup.status,
    source: setup.source,
    command: setup.command,
    durationMs: setup.durationMs,
    ...(setup.reason ? { reason: setup.reason } : {}),
  };
  const outcome = setup;
  const updated = await kernel.db.transaction(async (transaction) => {
    const row = await updateAgentAtStep(transaction, agent.id, current.step, {
      workspace: { ...workspace, setup: recorded },
    });
    if (!row) throw new StepConflictError(agent.id, current.step);
    await finishToolCall(
      transaction,
      {
        agentId: agent.id,
        toolCallId: setupOutputId,
        sessionId: agent.sessionId,
        toolName: "environment_setup",
        input: { command: outcome.command },
        risk: "safe",
      },
      {
        status: outcome.status === "passed" ? "finished" : "failed",
        output: outcome.output,
        isError: outcome.status === "failed",
      },
    );
    await enqueueEvent(transaction, {
      sessionId: agent.sessionId,
      sourceAgentId: agent.id,
      targetAgentId: agent.id,
      type: "environment-setup",
      payload: setupEventPayload(workspace, outcome),
    });
    return row;
  });
  kernel.emit({
    type: "environment-prepared",
    sessionId: updated.sessionId,
    agent: agentSnapshot(updated),
    setup: {
      ...recorded,
      repository: workspace.repoName,
      outputEnd: tailOf(outcome.output, setupTailCharacters),
    },
  });
  return { kind: "prepared", agent: updated };
}
