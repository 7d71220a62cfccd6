import { findSupervisor, getAgent, updateAgent } from "../adapters/database/agents.ts";
import { enqueueEvent } from "../adapters/database/events.ts";
import { getSession, updateSession } from "../adapters/database/sessions.ts";
import { isTerminal, statusOnInput } from "../domain/agent-state.ts";
import { mayDecide } from "../domain/decision-rule.ts";
import { redactSecrets } from "../domain/secret-redaction.ts";
import type { RuntimeKernel } from "./kernel.ts";
import type { InputOutcome, SteerResult } from "./runtime-api.ts";
import { approvalsFor } from "./session-settings.ts";
import {
  redirectUnreadSteers,
  steerEventType,
  steerNoteEventType,
  steerRedirectedEventType,
} from "./steer-events.ts";
import type { SurfaceInput } from "./surface-port.ts";

type SteerInput = Extract<SurfaceInput, { type: "steer" }>;

/**
 * Delivers a person's message to one worker. The worker reads it when it next drains its
 * mailbox: after the tool call in flight (never inside it) and, when it waits on a person,
 * after that answer. Its supervisor gets a quiet note of what was said. A worker that has
 * ended is not revived behind the supervisor's back: the words go to the supervisor, which
 * may send them on (`message_agent` revives a finished worker) or act on them itself.
 */
export async function handleSteer(kernel: RuntimeKernel, input: SteerInput): Promise<InputOutcome> {
  const answer = (result: SteerResult): InputOutcome => ({
    type: "steer",
    sessionId: input.sessionId,
    agentId: input.agentId,
    result,
  });
  const session = await getSession(kernel.db, input.sessionId);
  const agent = await getAgent(kernel.db, input.agentId);
  if (!session || !agent || agent.sessionId !== session.id || agent.role !== "worker") {
    return answer({ kind: "not-found" });
  }
  const { approverIds, policy } = approvalsFor(kernel, session);
  // Steering is answering unasked: the same people as for questions (see `mayDecide`).
  const allowed = mayDecide({
    policy,
    ownerId: session.ownerId,
    approvers: approverIds,
    userId: input.userId,
    kind: "answer",
  });
  if (!allowed) {
    kernel.logger.info(
      { sessionId: session.id, agentId: agent.id, userId: input.userId },
      "steer refused: only the session's owner or an approver may steer its agents",
    );
    return answer({ kind: "not-authorized" });
  }
  const payload = {
    userId: input.userId,
    ...(input.userName ? { userName: input.userName } : {}),
    fromOwner: session.ownerId === input.userId,
    agentId: agent.id,
    title: agent.title,
    // A token pasted into a steer is stored, prompted and shown redacted, like one in a message.
    text: redactSecrets(input.text),
  };
  const ended = isTerminal(agent.status);
  const wakeId = await kernel.db.transaction(async (db) => {
    const supervisor = await findSupervisor(db, session.id);
    if (!ended) {
      await enqueueEvent(db, {
        sessionId: session.id,
        targetAgentId: agent.id,
        type: steerEventType,
        payload,
      });
      if (supervisor) {
        await enqueueEvent(db, {
          sessionId: session.id,
          targetAgentId: supervisor.id,
          type: steerNoteEventType,
          payload,
        });
      }
      return agent.id;
    }
    if (!supervisor) return undefined;
    // Said by someone who may steer, so it counts as their message: it reopens a stopped session.
    if (session.status === "closed") await updateSession(db, session.id, { status: "active" });
    await enqueueEvent(db, {
      sessionId: session.id,
      targetAgentId: supervisor.id,
      type: steerRedirectedEventType,
      payload: { ...payload, status: agent.status },
    });
    const next = statusOnInput("supervisor", supervisor.status);
    if (isTerminal(supervisor.status) && next !== supervisor.status) {
      await updateAgent(db, supervisor.id, { status: next, finishedAt: null, statusReason: null });
    }
    return supervisor.id;
  });
  if (wakeId) await kernel.wake(wakeId);
  // The worker may have ended while the steer went in, in the turn it was running: if its end
  // did not see the steer, it goes to the supervisor now.
  const now = ended ? undefined : await getAgent(kernel.db, agent.id);
  const raced = now && isTerminal(now.status) ? await redirectUnreadSteers(kernel, now) : undefined;
  if (raced) await kernel.wake(raced);
  const redirected = ended || raced !== undefined;
  kernel.logger.info(
    { sessionId: session.id, agentId: agent.id, userId: input.userId, redirected },
    redirected ? "steer for an ended worker handed to the supervisor" : "steer delivered to a worker",
  );
  return answer({
    kind: redirected ? "redirected" : "delivered",
    agentTitle: agent.title,
    status: (redirected ? now?.status : undefined) ?? agent.status,
  });
}
