import type { AgentRow } from "../adapters/database/agents.ts";
import {
  createRequest,
  getRequest,
  type RequestRow,
  withdrawPendingRequests,
} from "../adapters/database/requests.ts";
import { declineChoice, elicitationFields, readFieldAnswer } from "../domain/elicitation-fields.ts";
import {
  confirmQuestion,
  doneChoice,
  type ElicitationQuestion,
  fieldQuestion,
  linkQuestion,
} from "../domain/elicitation-questions.ts";
import type { McpElicitation, McpElicitationAnswer } from "../domain/mcp.ts";
import { questionLink } from "../domain/question-link.ts";
import { redactSecrets } from "../domain/secret-redaction.ts";
import type { RuntimeKernel } from "./kernel.ts";
import { requestSnapshot } from "./snapshots.ts";
import { announceRequest } from "./waits.ts";

/** How often a waiting call reads its question: an answer may come through any instance. */
const pollIntervalMs = 500;
/** Refused answers to one field before the form is declined. */
const maximumAttempts = 5;

/** The tool call an elicitation arrives in: its id keys the questions, its signal is Stop. */
export interface ElicitingCall {
  toolCallId: string | undefined;
  signal: AbortSignal;
}

/** The questions of one tool call's elicitations are keyed `<toolCallId>#elicit-<n>`. */
function keyPrefix(toolCallId: string): string {
  return `${toolCallId}#elicit-`;
}

/**
 * Withdraws what a call's elicitations still ask (the call was stopped, or interrupted by a
 * crash), so nobody answers into nowhere; surfaces show each as cancelled.
 */
export async function withdrawElicitations(
  kernel: RuntimeKernel,
  agent: Pick<AgentRow, "id" | "title">,
  toolCallId: string,
): Promise<void> {
  const withdrawn = await withdrawPendingRequests(kernel.db, agent.id, keyPrefix(toolCallId));
  for (const row of withdrawn) {
    const request = requestSnapshot(row, agent.title, kernel.config.approvals.alwaysAllow);
    kernel.emit({ type: "request-decided", sessionId: row.sessionId, request });
  }
}

/** Resolves after `milliseconds`, or at once when `signal` aborts. */
function pause(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, milliseconds);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

/**
 * `elicit` for one tool call: a server's elicitation becomes questions in the session's
 * conversation, asked and answered like `ask_user`'s (durable requests, the same people may
 * answer), while the call waits. Decline → decline; withdrawn (Stop) → cancel; the call's
 * signal aborting withdraws the question and rejects with its reason.
 */
export function createElicitation(
  kernel: RuntimeKernel,
  agent: AgentRow,
  call: ElicitingCall,
): (elicitation: McpElicitation) => Promise<McpElicitationAnswer> {
  let asked = 0;

  async function create(toolCallId: string, question: ElicitationQuestion): Promise<RequestRow> {
    for (;;) {
      asked += 1;
      const { request, created } = await createRequest(kernel.db, {
        id: kernel.newId("req"),
        sessionId: agent.sessionId,
        agentId: agent.id,
        kind: "question",
        toolCallId: `${keyPrefix(toolCallId)}${asked}`,
        // A server that echoes a secret (its own token) must not get it stored or shown.
        prompt: redactSecrets(question.prompt),
        choices: question.choices.map(redactSecrets),
        action: question.link ? { link: question.link } : null,
      });
      if (created) return request;
    }
  }

  /** The person's answer, or "withdrawn" when the question was cancelled before anyone answered. */
  async function ask(toolCallId: string, question: ElicitationQuestion): Promise<string | "withdrawn"> {
    call.signal.throwIfAborted();
    const row = await create(toolCallId, question);
    announceRequest(kernel, row, agent.title);
    for (;;) {
      if (call.signal.aborted) {
        await withdrawElicitations(kernel, agent, toolCallId);
        throw call.signal.reason;
      }
      const current = await getRequest(kernel.db, row.id);
      if (!current) return "withdrawn";
      if (current.status === "answered") return current.answer ?? "";
      if (current.status !== "pending") {
        // Withdrawn elsewhere (the agent was cancelled): surfaces show it so.
        const request = requestSnapshot(current, agent.title, kernel.config.approvals.alwaysAllow);
        kernel.emit({ type: "request-decided", sessionId: current.sessionId, request });
        return "withdrawn";
      }
      await pause(pollIntervalMs, call.signal);
    }
  }

  async function askForm(
    toolCallId: string,
    elicitation: Extract<McpElicitation, { mode: "form" }>,
  ): Promise<McpElicitationAnswer> {
    const { server, message } = elicitation;
    const fields = elicitationFields(elicitation.requestedSchema);
    if ("error" in fields) {
      kernel.logger.warn(
        { agentId: agent.id, server, reason: fields.error },
        "declined an elicitation we cannot ask",
      );
      return { action: "decline" };
    }
    if (fields.length === 0)
      return askUntil(toolCallId, confirmQuestion(server, message), { action: "accept", content: {} });
    const content: Record<string, string | number | boolean | string[]> = {};
    for (const [index, field] of fields.entries()) {
      let retry: string | undefined;
      for (let attempt = 1; ; attempt += 1) {
        const position = { index, count: fields.length };
        const answer = await ask(toolCallId, fieldQuestion({ server, message, field, position, retry }));
        if (answer === "withdrawn") return { action: "cancel" };
        const read = readFieldAnswer(field, answer);
        if (read.kind === "decline") return { action: "decline" };
        if (read.kind === "value") content[field.name] = read.value;
        if (read.kind !== "invalid") break;
        if (attempt >= maximumAttempts) return { action: "decline" };
        retry = read.reason;
      }
    }
    return { action: "accept", content };
  }

  /** A Done/Decline question, asked again until one of the two is the answer. */
  async function askUntil(
    toolCallId: string,
    question: ElicitationQuestion,
    accepted: McpElicitationAnswer,
  ): Promise<McpElicitationAnswer> {
    let current = question;
    for (let attempt = 1; ; attempt += 1) {
      const answer = await ask(toolCallId, current);
      if (answer === "withdrawn") return { action: "cancel" };
      const word = answer.trim().toLowerCase();
      if (word === doneChoice.toLowerCase()) return accepted;
      if (word === declineChoice.toLowerCase() || attempt >= maximumAttempts) return { action: "decline" };
      const reason = `That answer was not accepted: answer ${doneChoice} or ${declineChoice}. Please answer again.`;
      current = { ...question, prompt: `${reason}\n${question.prompt}` };
    }
  }

  return async (elicitation) => {
    const toolCallId = call.toolCallId;
    const fields = { agentId: agent.id, sessionId: agent.sessionId, server: elicitation.server, toolCallId };
    if (toolCallId === undefined) {
      kernel.logger.warn(fields, "declined an elicitation outside a tool call");
      return { action: "decline" };
    }
    kernel.logger.info({ ...fields, mode: elicitation.mode }, "an MCP server asks people for input");
    if (elicitation.mode === "form") return askForm(toolCallId, elicitation);
    const link = questionLink(elicitation.url);
    if (!link || redactSecrets(link.url) !== link.url) {
      kernel.logger.warn(fields, "declined a URL elicitation whose link is not http(s) or holds a secret");
      return { action: "decline" };
    }
    return askUntil(toolCallId, linkQuestion(elicitation.server, elicitation.message, link), {
      action: "accept",
    });
  };
}
