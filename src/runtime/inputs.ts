import {
  findSupervisor,
  getAgent,
  insertAgent,
  listAgentsForSession,
  updateAgent,
} from "../adapters/database/agents.ts";
import { enqueueEvent } from "../adapters/database/events.ts";
import type { Database } from "../adapters/database/open-database.ts";
import {
  addApprovalRule,
  decideRequest,
  getRequest,
  type RequestDecision,
  type RequestRow,
} from "../adapters/database/requests.ts";
import { createSession, getSession, updateSession } from "../adapters/database/sessions.ts";
import { isTerminal, statusOnInput } from "../domain/agent-state.ts";
import { parseApprovalAction } from "../domain/approval-action.ts";
import { rulePatternOf } from "../domain/approval-rules.ts";
import type { AuditAction } from "../domain/audit.ts";
import { extendedBudget } from "../domain/budget.ts";
import { type DecisionKind, mayDecide, policyInForce } from "../domain/decision-rule.ts";
import type { DecisionOutcome } from "../domain/requests.ts";
import { redactSecrets } from "../domain/secret-redaction.ts";
import { sessionSettingsOf } from "../domain/session-settings.ts";
import { storedSessionTitle } from "../domain/session-title.ts";
import type { SessionStatus } from "../domain/sessions.ts";
import { parseSpendLimitPause } from "../domain/spend-limit-pause.ts";
import { cancelAgentById } from "./agent-lifecycle.ts";
import { approvalDetail, auditDecision, budgetExtendedDetail } from "./audit-decisions.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { decidePlan, withdrawPendingPlans } from "./plan-decision.ts";
import { redactSharedFiles } from "./redact-shared-files.ts";
import { handleRename } from "./rename-session.ts";
import { heldReplyEventType, replyAllowance } from "./reply-limits.ts";
import { handleRetry } from "./retry-turn.ts";
import type { InputOutcome } from "./runtime-api.ts";
import { approvalsFor, initialBudget, modelFor } from "./session-settings.ts";
import { requestSnapshot } from "./snapshots.ts";
import { extendPausedLimit } from "./spend-limit-decision.ts";
import { handleSteer } from "./steer.ts";
import { auditStopOfOne, closeStoppedSession } from "./stop-session.ts";
import type { SurfaceInput } from "./surface-port.ts";
import { keepAside } from "./thread-aside.ts";

const active: SessionStatus = "active";
const closed: SessionStatus = "closed";

export async function canDecide(
  kernel: RuntimeKernel,
  sessionId: string,
  userId: string,
  kind: DecisionKind,
): Promise<boolean> {
  const session = await getSession(kernel.db, sessionId);
  if (!session) return false;
  const { approverIds, policy } = approvalsFor(kernel, session);
  return mayDecide({ policy, ownerId: session.ownerId, approvers: approverIds, userId, kind });
}

const approvalAuditActions = {
  approve: "approval-approved",
  deny: "approval-denied",
  always_allow: "always-allow",
} as const satisfies Record<string, AuditAction>;

/** What a decision input decides, for `mayDecide`. */
function decisionKindOf(input: SurfaceInput): DecisionKind {
  if (input.type === "answer") return "answer";
  if (input.type === "budget-decision") return input.decision === "extend" ? "budget" : "stop";
  return "approval";
}

async function handleUserMessage(
  kernel: RuntimeKernel,
  raw: Extract<SurfaceInput, { type: "user-message" }>,
): Promise<InputOutcome> {
  const aside = raw.aside ? await keepAside(kernel, raw) : undefined;
  if (aside) return aside;
  // A token pasted into a message is stored, prompted and shown redacted, like one a model wrote.
  const input = {
    ...raw,
    text: redactSecrets(raw.text),
    history: raw.history?.map((entry) => ({ ...entry, text: redactSecrets(entry.text) })),
    attachments: raw.attachments ? redactSharedFiles(raw.attachments) : undefined,
  };
  // A new session runs with the settings it arrives with (its channel's); later messages change nothing.
  const settings = sessionSettingsOf(input.metadata ?? {});
  const budget = initialBudget(kernel, settings);
  const { session, created } = await createSession(kernel.db, {
    id: kernel.newId("ses"),
    surface: input.key.surface,
    conversationKey: input.key.conversationKey,
    ownerId: input.userId,
    title: storedSessionTitle(input.text.slice(0, 80)),
    metadata: input.metadata ?? {},
    ...budget,
  });
  const fromOwner = session.ownerId === input.userId;
  const allowance = fromOwner
    ? undefined
    : await replyAllowance(
        kernel.db,
        {
          surface: session.surface,
          sessionId: session.id,
          userId: input.userId,
          sessionOpen: session.status !== closed,
        },
        { now: kernel.now(), lengthMs: kernel.config.limits.nonOwnerReplyWindowSeconds * 1000 },
      );
  const held = allowance?.startsTurn === false;
  const supervisorId = await kernel.db.transaction(async (db) => {
    // The owner's message reopens a session a person stopped; nobody else's does.
    if (session.status === closed && !held) await updateSession(db, session.id, { status: active });
    let supervisor = await findSupervisor(db, session.id);
    if (!supervisor) {
      supervisor = await insertAgent(db, {
        id: kernel.newId("agt"),
        sessionId: session.id,
        role: "supervisor",
        title: "Supervisor",
        model: modelFor(kernel, sessionSettingsOf(session.metadata), "supervisor"),
        tier: "supervisor",
        status: "idle",
      });
    }
    // History only makes sense for the conversation's first message.
    const history = {
      ...(created && input.history && input.history.length > 0 ? { history: input.history } : {}),
      ...(created && input.historyUnavailable ? { historyUnavailable: true } : {}),
    };
    await enqueueEvent(db, {
      sessionId: session.id,
      targetAgentId: supervisor.id,
      type: held ? heldReplyEventType : "user-message",
      // Who wrote it decides how the supervisor reads it: only the owner's words are requests.
      payload: {
        userId: input.userId,
        ...(input.userName ? { userName: input.userName } : {}),
        fromOwner,
        text: input.text,
        ...history,
        ...(input.attachments && input.attachments.length > 0 ? { attachments: input.attachments } : {}),
      },
    });
    const next = statusOnInput("supervisor", supervisor.status);
    if (!held && isTerminal(supervisor.status) && next !== supervisor.status) {
      await updateAgent(db, supervisor.id, { status: next, finishedAt: null, statusReason: null });
    }
    return supervisor.id;
  });
  if (created) {
    kernel.telemetry.sessionStarted(session.surface);
    kernel.lifecycle.sessionStarted(session);
  }
  if (allowance?.startsTurn === false) {
    return {
      type: "message-accepted",
      sessionId: session.id,
      created,
      held: { noticeDue: allowance.noticeDue },
    };
  }
  await kernel.wake(supervisorId);
  return { type: "message-accepted", sessionId: session.id, created };
}

/** The decided request, or undefined when another decision came first. */
async function decideOnce(
  db: Database,
  requestId: string,
  decision: RequestDecision,
): Promise<RequestRow | undefined> {
  const { decided, request } = await decideRequest(db, requestId, decision);
  return decided ? request : undefined;
}

async function decisionOutcome(
  kernel: RuntimeKernel,
  row: RequestRow | undefined,
  fallback: RequestRow,
): Promise<DecisionOutcome> {
  const title = (await getAgent(kernel.db, fallback.agentId))?.title ?? fallback.agentId;
  if (!row)
    return {
      ok: false,
      reason: "already_decided",
      request: requestSnapshot(fallback, title, kernel.config.approvals.alwaysAllow),
    };
  const request = requestSnapshot(row, title, kernel.config.approvals.alwaysAllow);
  const waitedSeconds = ((row.decidedAt ?? kernel.now()).getTime() - row.createdAt.getTime()) / 1000;
  kernel.telemetry.requestDecided({
    kind: row.kind,
    status: row.status,
    waitedSeconds: Math.max(0, waitedSeconds),
  });
  kernel.emit({ type: "request-decided", sessionId: row.sessionId, request });
  return { ok: true, request };
}

async function handleDecision(kernel: RuntimeKernel, input: SurfaceInput): Promise<DecisionOutcome> {
  if (input.type !== "answer" && input.type !== "approval-decision" && input.type !== "budget-decision") {
    return { ok: false, reason: "invalid" };
  }
  const request = await getRequest(kernel.db, input.requestId);
  if (!request) return { ok: false, reason: "not_found" };
  const title = (await getAgent(kernel.db, request.agentId))?.title ?? request.agentId;
  const snapshot = requestSnapshot(request, title, kernel.config.approvals.alwaysAllow);
  const expectedKind = { answer: "question", "approval-decision": "approval", "budget-decision": "budget" }[
    input.type
  ];
  if (request.kind !== expectedKind) return { ok: false, reason: "invalid", request: snapshot };
  if (request.status !== "pending") return { ok: false, reason: "already_decided", request: snapshot };
  const pause =
    input.type === "budget-decision" && input.decision === "extend"
      ? parseSpendLimitPause(request.action)
      : undefined;
  if (pause) {
    return extendPausedLimit(kernel, request, pause, input.userId, (row, fallback) =>
      decisionOutcome(kernel, row, fallback),
    );
  }
  if (!(await canDecide(kernel, request.sessionId, input.userId, decisionKindOf(input)))) {
    const session = await getSession(kernel.db, request.sessionId);
    const policy = policyInForce(approvalsFor(kernel, session).policy, decisionKindOf(input));
    kernel.lifecycle.decisionRefused({
      sessionId: request.sessionId,
      agentId: request.agentId,
      requestId: request.id,
      kind: request.kind,
      userId: input.userId,
      policy,
    });
    return { ok: false, reason: "not_authorized", request: snapshot, policy };
  }

  if (input.type === "answer") {
    const decided = await decideOnce(kernel.db, request.id, {
      status: "answered",
      decision: "answer",
      // A token typed into an answer is stored, shown and prompted redacted, like one in a message.
      answer: redactSecrets(input.answer),
      decidedBy: input.userId,
    });
    const outcome = await decisionOutcome(kernel, decided, request);
    if (decided) await kernel.wake(request.agentId);
    return outcome;
  }

  if (input.type === "approval-decision") return decideApproval(kernel, request, input);
  return decideBudget(kernel, request, input);
}

/** Approve, Deny or Always allow, with its rule and its audit row in one transaction. */
async function decideApproval(
  kernel: RuntimeKernel,
  request: RequestRow,
  input: Extract<SurfaceInput, { type: "approval-decision" }>,
): Promise<DecisionOutcome> {
  // An action that asks every time, or any action with the sandbox off, takes "Always allow"
  // (a stale button, a forged click, the terminal's /always) as a plain approval.
  const asksEveryTime =
    !kernel.config.approvals.alwaysAllow || parseApprovalAction(request.action)?.allowAlways === false;
  const decision = input.decision === "always_allow" && asksEveryTime ? "approve" : input.decision;
  const decided = await kernel.db.transaction(async (db) => {
    const row = await decideOnce(db, request.id, {
      status: decision === "deny" ? "denied" : "approved",
      decision,
      decidedBy: input.userId,
    });
    const action = parseApprovalAction(row?.action);
    if (row && action && decision === "always_allow") {
      // The rule is the exact action the approver saw, never a wider pattern.
      await addApprovalRule(db, {
        sessionId: row.sessionId,
        toolName: action.tool,
        pattern: rulePatternOf(action.input),
        createdBy: input.userId,
      });
    }
    if (row) {
      await auditDecision(db, row.sessionId, {
        action: approvalAuditActions[decision],
        actorId: input.userId,
        detail: approvalDetail(row),
        key: `request:${row.id}`,
      });
    }
    return row;
  });
  const outcome = await decisionOutcome(kernel, decided, request);
  if (decided) await kernel.wake(request.agentId);
  return outcome;
}

/** Extend or Stop at a budget request, with its audit row in one transaction. */
async function decideBudget(
  kernel: RuntimeKernel,
  request: RequestRow,
  input: Extract<SurfaceInput, { type: "budget-decision" }>,
): Promise<DecisionOutcome> {
  const decided = await kernel.db.transaction(async (db) => {
    const row = await decideOnce(db, request.id, {
      status: input.decision === "extend" ? "extended" : "stopped",
      decision: input.decision,
      decidedBy: input.userId,
    });
    if (row && input.decision === "extend") {
      const session = await getSession(db, row.sessionId);
      const extended = session
        ? extendedBudget(session, initialBudget(kernel, sessionSettingsOf(session.metadata)))
        : undefined;
      if (session && extended) await updateSession(db, session.id, extended);
      await auditDecision(db, row.sessionId, {
        action: "budget-extended",
        actorId: input.userId,
        detail: session && extended ? budgetExtendedDetail(session, extended) : row.prompt,
        key: `request:${row.id}`,
      });
    }
    if (row && input.decision === "stop") {
      await updateSession(db, row.sessionId, { status: closed });
      await auditDecision(db, row.sessionId, {
        action: "stop",
        actorId: input.userId,
        detail: `Stopped the session at its budget: ${row.prompt}`,
        key: `request:${row.id}`,
      });
    }
    return row;
  });
  const outcome = await decisionOutcome(kernel, decided, request);
  if (!decided) return outcome;
  const agents = await listAgentsForSession(kernel.db, request.sessionId);
  if (input.decision === "stop") {
    for (const agent of agents)
      if (agent.role === "worker") await cancelAgentById(kernel, agent.id, input.userId);
  }
  for (const agent of agents) {
    if (agent.status === "waiting" || agent.status === "queued" || agent.id === request.agentId) {
      await kernel.wake(agent.id);
    }
  }
  return outcome;
}

async function handleCancel(
  kernel: RuntimeKernel,
  input: Extract<SurfaceInput, { type: "cancel" }>,
): Promise<InputOutcome> {
  if (!(await canDecide(kernel, input.sessionId, input.userId, "stop"))) {
    return { type: "cancelled", sessionId: input.sessionId, agentIds: [] };
  }
  if (!input.agentId) await closeStoppedSession(kernel, input.sessionId, input.userId);
  if (!input.agentId) await withdrawPendingPlans(kernel, input.sessionId, input.userId);
  const agents = await listAgentsForSession(kernel.db, input.sessionId);
  const targets = input.agentId
    ? agents.filter((agent) => agent.id === input.agentId)
    : agents.filter((agent) => agent.role === "worker");
  const cancelled: string[] = [];
  for (const agent of targets) {
    const audit = input.agentId ? auditStopOfOne(input.userId) : undefined;
    if (await cancelAgentById(kernel, agent.id, input.userId, audit)) cancelled.push(agent.id);
  }
  return { type: "cancelled", sessionId: input.sessionId, agentIds: cancelled };
}

export async function handleInput(kernel: RuntimeKernel, input: SurfaceInput): Promise<InputOutcome> {
  switch (input.type) {
    case "user-message":
      return handleUserMessage(kernel, input);
    case "cancel":
      return handleCancel(kernel, input);
    case "rename-session":
      return handleRename(kernel, input);
    case "plan-decision":
      return { type: "decision", outcome: await decidePlan(kernel, input) };
    case "steer":
      return handleSteer(kernel, input);
    case "retry":
      return handleRetry(kernel, input);
    default:
      return { type: "decision", outcome: await handleDecision(kernel, input) };
  }
}
