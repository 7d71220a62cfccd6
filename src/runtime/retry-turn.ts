import { quietEventTypes } from "../adapters/database/agent-sweeps.ts";
import { findSupervisor, updateAgent } from "../adapters/database/agents.ts";
import { enqueueEvent, pendingEventsFor } from "../adapters/database/events.ts";
import { lastUserMessageFor } from "../adapters/database/last-user-message.ts";
import { getSession, updateSession } from "../adapters/database/sessions.ts";
import { isTerminal, statusOnInput } from "../domain/agent-state.ts";
import { mayDecide } from "../domain/decision-rule.ts";
import type { RuntimeKernel } from "./kernel.ts";
import type { InputOutcome, RetryOutcome } from "./runtime-api.ts";
import { approvalsFor } from "./session-settings.ts";
import type { SurfaceInput } from "./surface-port.ts";

/**
 * Runs a failed turn again: the last person's message is put in the supervisor's mailbox once
 * more (durably, like any message) and the supervisor woken. Only people who may stop the
 * session may retry; nothing happens while a turn is already on its way.
 */
export async function handleRetry(
  kernel: RuntimeKernel,
  input: Extract<SurfaceInput, { type: "retry" }>,
): Promise<InputOutcome> {
  const outcome = await retry(kernel, input);
  kernel.logger.info({ sessionId: input.sessionId, userId: input.userId, outcome }, "retry requested");
  return { type: "retry", sessionId: input.sessionId, outcome };
}

async function retry(
  kernel: RuntimeKernel,
  input: Extract<SurfaceInput, { type: "retry" }>,
): Promise<RetryOutcome> {
  const session = await getSession(kernel.db, input.sessionId);
  if (!session) return "not_authorized";
  // Whoever may stop the session's work may run its turn again: the owner or an approver.
  const { approverIds, policy } = approvalsFor(kernel, session);
  const ownerId = session.ownerId;
  if (!mayDecide({ policy, ownerId, approvers: approverIds, userId: input.userId, kind: "stop" })) {
    return "not_authorized";
  }
  const supervisor = await findSupervisor(kernel.db, session.id);
  if (!supervisor) return "nothing_to_retry";
  const busy =
    supervisor.status === "running" || supervisor.status === "queued" || supervisor.status === "waiting";
  const waking = (await pendingEventsFor(kernel.db, supervisor.id)).some(
    (event) => !quietEventTypes.includes(event.type),
  );
  if (busy || waking) return "busy";
  const last = await lastUserMessageFor(kernel.db, supervisor.id);
  if (!last) return "nothing_to_retry";
  // The thread's history went in with the first delivery and is in the transcript already.
  const { history: _history, historyUnavailable: _unavailable, ...payload } = last.payload;
  await kernel.db.transaction(async (db) => {
    if (session.status === "closed") await updateSession(db, session.id, { status: "active" });
    await enqueueEvent(db, {
      sessionId: session.id,
      targetAgentId: supervisor.id,
      type: "user-message",
      payload: { ...payload, retriedBy: input.userId },
    });
    const next = statusOnInput("supervisor", supervisor.status);
    if (isTerminal(supervisor.status) && next !== supervisor.status) {
      await updateAgent(db, supervisor.id, { status: next, finishedAt: null, statusReason: null });
    }
  });
  await kernel.wake(supervisor.id);
  return "retried";
}
