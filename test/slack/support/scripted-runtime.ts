import type { AgentSnapshot } from "../../../src/domain/agents.ts";
import {
  type ApprovalPolicy,
  type DecisionKind,
  mayDecide,
  policyInForce,
} from "../../../src/domain/decision-rule.ts";
import { emptyUsage } from "../../../src/domain/messages.ts";
import type { DecisionOutcome, RequestKind, RequestSnapshot } from "../../../src/domain/requests.ts";
import type { SessionSnapshot } from "../../../src/domain/sessions.ts";
import type { InputOutcome, RuntimeApi } from "../../../src/runtime/runtime-api.ts";
import type {
  SessionKey,
  SurfaceEvent,
  SurfaceInput,
  SurfaceListener,
} from "../../../src/runtime/surface-port.ts";

/**
 * An in-memory RuntimeApi the test drives by hand: it records inputs, keeps sessions,
 * agents and requests, decides requests with the real rule (`mayDecide`), and
 * emits whatever events the test asks for.
 */
export class ScriptedRuntime implements RuntimeApi {
  readonly inputs: SurfaceInput[] = [];
  readonly sessions = new Map<string, SessionSnapshot>();
  readonly agents = new Map<string, AgentSnapshot[]>();
  readonly requests = new Map<string, RequestSnapshot>();
  private readonly listeners = new Set<SurfaceListener>();
  private counter = 0;
  private readonly approvers: string[];
  private readonly approvalPolicy: ApprovalPolicy;

  constructor(options: { approvers?: string[]; approvalPolicy?: ApprovalPolicy } = {}) {
    this.approvers = options.approvers ?? [];
    this.approvalPolicy = options.approvalPolicy ?? "owner-or-approvers";
  }

  private nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }

  emit(event: SurfaceEvent): void {
    for (const listener of this.listeners) void listener(event);
  }

  subscribe(listener: SurfaceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async handle(input: SurfaceInput): Promise<InputOutcome> {
    this.inputs.push(input);
    switch (input.type) {
      case "user-message": {
        const existing = await this.findSession(input.key);
        if (existing) {
          // Like the runtime: a message reopens a session a person stopped.
          existing.status = "active";
          return { type: "message-accepted", sessionId: existing.id, created: false };
        }
        const id = this.nextId("session");
        this.sessions.set(id, {
          id,
          surface: input.key.surface,
          conversationKey: input.key.conversationKey,
          ownerId: input.userId,
          title: input.text.slice(0, 60),
          status: "active",
          metadata: input.metadata ?? {},
          costMicros: 0,
          createdAt: new Date(),
          updatedAt: new Date(),
        });
        this.agents.set(id, []);
        return { type: "message-accepted", sessionId: id, created: true };
      }
      case "answer":
        return {
          type: "decision",
          outcome: this.decide(input.requestId, input.userId, "answered", input.answer, "answer"),
        };
      case "approval-decision": {
        const status = input.decision === "deny" ? "denied" : "approved";
        return {
          type: "decision",
          outcome: this.decide(input.requestId, input.userId, status, input.decision, "approval"),
        };
      }
      case "budget-decision": {
        const status = input.decision === "extend" ? "extended" : "stopped";
        return {
          type: "decision",
          outcome: this.decide(
            input.requestId,
            input.userId,
            status,
            input.decision,
            input.decision === "extend" ? "budget" : "stop",
          ),
        };
      }
      case "cancel": {
        const cancelled: string[] = [];
        if (!(await this.canDecide(input.sessionId, input.userId, "stop"))) {
          return { type: "cancelled", sessionId: input.sessionId, agentIds: cancelled };
        }
        const session = this.sessions.get(input.sessionId);
        if (session && !input.agentId) session.status = "closed";
        for (const agent of this.agents.get(input.sessionId) ?? []) {
          if (input.agentId && agent.id !== input.agentId) continue;
          if (agent.role !== "worker" || ["done", "failed", "cancelled"].includes(agent.status)) continue;
          agent.status = "cancelled";
          agent.finishedAt = new Date();
          cancelled.push(agent.id);
          this.emit({ type: "agent-cancelled", sessionId: input.sessionId, agent: { ...agent } });
        }
        return { type: "cancelled", sessionId: input.sessionId, agentIds: cancelled };
      }
      case "rename-session": {
        const session = this.sessions.get(input.sessionId);
        if (session && input.title.trim() !== "") session.title = input.title;
        return { type: "session-renamed", sessionId: input.sessionId, title: session?.title ?? "" };
      }
      case "plan-decision": {
        const status = { start: "approved", change: "answered", cancel: "denied" } as const;
        const kind = { start: "approval", change: "answer", cancel: "stop" } as const;
        const answer = input.decision === "change" ? (input.text ?? "") : input.decision;
        return {
          type: "decision",
          outcome: this.decide(
            input.requestId,
            input.userId,
            status[input.decision],
            answer,
            kind[input.decision],
          ),
        };
      }
      case "steer": {
        const agent = (this.agents.get(input.sessionId) ?? []).find((item) => item.id === input.agentId);
        const result = !agent
          ? ({ kind: "not-found" } as const)
          : !(await this.canDecide(input.sessionId, input.userId, "answer"))
            ? ({ kind: "not-authorized" } as const)
            : ["done", "failed", "cancelled"].includes(agent.status)
              ? ({ kind: "redirected", agentTitle: agent.title, status: agent.status } as const)
              : ({ kind: "delivered", agentTitle: agent.title, status: agent.status } as const);
        return { type: "steer", sessionId: input.sessionId, agentId: input.agentId, result };
      }
      case "retry": {
        const allowed = await this.canDecide(input.sessionId, input.userId, "stop");
        return { type: "retry", sessionId: input.sessionId, outcome: allowed ? "retried" : "not_authorized" };
      }
    }
  }

  private decide(
    requestId: string,
    userId: string,
    status: RequestSnapshot["status"],
    answer: string,
    kind: DecisionKind,
  ): DecisionOutcome {
    const request = this.requests.get(requestId);
    if (!request) return { ok: false, reason: "not_found" };
    // The same order as the runtime: a decided request says so to anyone.
    if (request.status !== "pending")
      return { ok: false, reason: "already_decided", request: { ...request } };
    if (!this.mayDecide(request.sessionId, userId, kind)) {
      const policy = policyInForce(this.approvalPolicy, kind);
      return { ok: false, reason: "not_authorized", request: { ...request }, policy };
    }
    // Like the real runtime: approvals and budgets store the choice as the decision.
    Object.assign(request, {
      status,
      answer: kind !== "answer" ? null : answer,
      decision: kind !== "answer" ? answer : "answer",
      decidedBy: userId,
      decidedAt: new Date(),
    });
    // Like the runtime: a budget's Stop closes the session until the next message.
    const session = this.sessions.get(request.sessionId);
    if (session && status === "stopped") session.status = "closed";
    this.emit({ type: "request-decided", sessionId: request.sessionId, request: { ...request } });
    return { ok: true, request: { ...request } };
  }

  async findSession(key: SessionKey): Promise<SessionSnapshot | undefined> {
    return [...this.sessions.values()].find(
      (session) => session.surface === key.surface && session.conversationKey === key.conversationKey,
    );
  }

  async getSession(sessionId: string): Promise<SessionSnapshot | undefined> {
    return this.sessions.get(sessionId);
  }

  async listSessionsForUser(userId: string, limit: number): Promise<SessionSnapshot[]> {
    return [...this.sessions.values()].filter((session) => session.ownerId === userId).slice(0, limit);
  }

  async listAgents(sessionId: string): Promise<AgentSnapshot[]> {
    return (this.agents.get(sessionId) ?? []).map((agent) => ({ ...agent }));
  }

  async getRequest(requestId: string): Promise<RequestSnapshot | undefined> {
    const request = this.requests.get(requestId);
    return request ? { ...request } : undefined;
  }

  async listPendingRequests(sessionId: string): Promise<RequestSnapshot[]> {
    return [...this.requests.values()].filter(
      (request) => request.sessionId === sessionId && request.status === "pending",
    );
  }

  async canDecide(sessionId: string, userId: string, kind: DecisionKind): Promise<boolean> {
    return this.mayDecide(sessionId, userId, kind);
  }

  private mayDecide(sessionId: string, userId: string, kind: DecisionKind): boolean {
    const session = this.sessions.get(sessionId);
    if (!session) return false;
    const policy = this.approvalPolicy;
    return mayDecide({ policy, ownerId: session.ownerId, approvers: this.approvers, userId, kind });
  }

  /** Test helpers: make things happen as the real runtime would. */
  startAgent(sessionId: string, title: string, options: { repository?: string } = {}): AgentSnapshot {
    const agent: AgentSnapshot = {
      id: this.nextId("agent"),
      sessionId,
      parentId: null,
      role: "worker",
      title,
      model: "anthropic:claude-haiku-5-5",
      status: "running",
      latestProgress: null,
      usage: { ...emptyUsage },
      costMicros: 0,
      startedAt: new Date(),
      finishedAt: null,
      result: null,
      ...(options.repository ? { repository: options.repository } : {}),
    };
    this.agents.get(sessionId)?.push(agent);
    this.emit({ type: "agent-started", sessionId, agent: { ...agent } });
    return agent;
  }

  progress(agent: AgentSnapshot, text: string, tokens = 1000, costMicros = 2000): void {
    agent.latestProgress = text;
    agent.usage = { ...agent.usage, inputTokens: agent.usage.inputTokens + tokens };
    agent.costMicros += costMicros;
    this.emit({ type: "agent-progress", sessionId: agent.sessionId, agent: { ...agent }, text });
  }

  finish(agent: AgentSnapshot, result: Record<string, unknown>, summary = "done"): void {
    agent.status = "done";
    agent.finishedAt = new Date();
    agent.result = result;
    this.emit({ type: "agent-finished", sessionId: agent.sessionId, agent: { ...agent }, summary });
  }

  request(
    agent: AgentSnapshot,
    kind: RequestKind,
    prompt: string,
    extra: Partial<Pick<RequestSnapshot, "choices" | "action" | "pattern">> = {},
  ): RequestSnapshot {
    const request: RequestSnapshot = {
      id: this.nextId("request"),
      sessionId: agent.sessionId,
      agentId: agent.id,
      agentTitle: agent.title,
      kind,
      prompt,
      choices: extra.choices ?? null,
      action: extra.action ?? null,
      pattern: extra.pattern ?? null,
      status: "pending",
      decision: null,
      answer: null,
      decidedBy: null,
      decidedAt: null,
    };
    this.requests.set(request.id, request);
    agent.status = "waiting";
    const types = {
      question: "question-asked",
      approval: "approval-requested",
      budget: "budget-reached",
      plan: "plan-proposed",
    } as const;
    const type = types[kind];
    this.emit({ type, sessionId: agent.sessionId, request: { ...request } });
    return request;
  }

  /** The supervisor names the task, as `name_session` does. */
  nameSession(sessionId: string, title: string): void {
    const session = this.sessions.get(sessionId);
    if (session) session.title = title;
    this.emit({ type: "session-titled", sessionId, title });
  }

  /** Emits the deltas `pauseMs` apart, as a model streams, then the completed reply. */
  async reply(
    sessionId: string,
    turnId: string,
    text: string,
    deltas: string[] = [],
    pauseMs = 80,
    /** A turn that called no tool: the supervisor rests after it. */
    final = false,
  ): Promise<void> {
    for (const delta of deltas) {
      this.emit({ type: "reply-delta", sessionId, agentId: "supervisor", turnId, delta });
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    this.emit({
      type: "reply-completed",
      sessionId,
      agentId: "supervisor",
      turnId,
      text,
      ...(final ? { final } : {}),
    });
  }
}
