import type { AgentSnapshot } from "../../domain/agents.ts";
import { exactActionText, parseApprovalAction, visibleText } from "../../domain/approval-action.ts";
import { describeSetupOutcome } from "../../domain/environment.ts";
import { counted } from "../../domain/plural.ts";
import { parseQuestionLink } from "../../domain/question-link.ts";
import type { RequestSnapshot } from "../../domain/requests.ts";
import type { SteerResult } from "../../runtime/runtime-api.ts";
import type { SurfaceEvent } from "../../runtime/surface-port.ts";
import { planLines } from "./plan-lines.ts";

/** A model with no price has an unknown cost, not a zero one. */
function usd(micros: number, priced: boolean): string {
  const known = `$${(micros / 1e6).toFixed(4)}`;
  if (priced) return known;
  return micros > 0 ? `${known} + unpriced` : "unpriced";
}

export function agentLine(agent: AgentSnapshot, index: number): string {
  const tokens = agent.usage.inputTokens + agent.usage.outputTokens;
  const progress = agent.latestProgress ? ` — ${agent.latestProgress}` : "";
  return `  ${index}. [${agent.status}] ${agent.title} (${agent.id}) ${counted(tokens, "token")}, ${usd(agent.costMicros, agent.priced !== false)}${progress}`;
}

/** What became of `/steer n …`. */
export function steerLine(result: SteerResult, number: number): string {
  switch (result.kind) {
    case "delivered":
      return result.status === "waiting"
        ? `Sent to #${number} ${result.agentTitle}; it reads it once what it waits on is decided.`
        : `Sent to #${number} ${result.agentTitle}; it reads it after its current step.`;
    case "redirected":
      return `#${number} ${result.agentTitle} has ${result.status === "done" ? "finished" : "ended"}; your message went to the supervisor instead.`;
    case "not-authorized":
      return "Not sent: only the session's owner or an approver may steer its agents.";
    case "not-found":
      return `No agent #${number}; /agents lists them.`;
  }
}

export function requestLine(request: RequestSnapshot, number: number): string {
  const from = request.agentTitle;
  if (request.kind === "question") {
    const choices = request.choices ? ` [${request.choices.join(" / ")}]` : "";
    const link = parseQuestionLink(request.action);
    const open = link ? `\n  open: ${link.url}` : "";
    return `? #${number} ${from} asks: ${request.prompt}${open}${choices}  → /answer ${number} <text>`;
  }
  if (request.kind === "approval") {
    const action = parseApprovalAction(request.action);
    if (!action) return `! #${number} ${from}: ${request.prompt} (unreadable action)  → /deny ${number}`;
    const branch = action.branch ? ` on ${action.branch}` : "";
    const exact = exactActionText(action);
    const rest = exact.rest ? `\n    with ${visibleText(exact.rest).text}` : "";
    const always =
      action.allowAlways === false
        ? " (asks every time: no /always)"
        : `, /always ${number} (exactly this action again, this session)`;
    // Every character of what will run, control characters written out so none can rewrite the screen.
    return (
      `! #${number} ${from} wants to run ${action.tool}${branch}:\n    ${visibleText(exact.main).text}${rest}\n` +
      `  → /approve ${number}, /deny ${number}${always}`
    );
  }
  if (request.kind === "plan") return planLines(request, number);
  return `$ #${number} ${request.prompt}  → /extend ${number} or /stop ${number}`;
}

/**
 * Lines for one event; `number` gives a request's short number. Reply deltas are
 * written as they come (no newline) and completed replies end the line.
 */
export function renderEvent(
  event: SurfaceEvent,
  number: (request: RequestSnapshot) => number,
): { text: string; newline: boolean } | undefined {
  switch (event.type) {
    case "reply-delta":
      return { text: event.delta, newline: false };
    case "reply-completed":
      return undefined;
    case "agent-started":
      return { text: `  ▸ ${event.agent.title} started (${event.agent.model})`, newline: true };
    case "agent-progress":
      return { text: `  ▸ ${event.agent.title}: ${event.text}`, newline: true };
    case "agent-finished":
      return { text: `  ✓ ${event.agent.title} finished: ${event.summary}`, newline: true };
    case "environment-prepared":
      return {
        text: `  ${event.setup.status === "passed" ? "▸" : "✗"} ${event.agent.title}: setup of ${event.setup.repository} ${describeSetupOutcome(event.setup)}`,
        newline: true,
      };
    case "agent-failed":
      return { text: `  ✗ ${event.agent.title} failed: ${event.reason}`, newline: true };
    case "agent-cancelled":
      return { text: `  ✗ ${event.agent.title} was cancelled`, newline: true };
    case "question-asked":
    case "approval-requested":
    case "budget-reached":
    case "plan-proposed":
      return { text: requestLine(event.request, number(event.request)), newline: true };
    case "request-decided":
      return {
        text: `  #${number(event.request)} ${event.request.status} by ${event.request.decidedBy ?? "someone"}`,
        newline: true,
      };
    case "session-idle":
      return undefined;
    case "session-titled":
      return { text: `  ▸ Session: ${event.title}`, newline: true };
    case "mcp-server-unavailable":
      return {
        text: `  ✗ ${event.agentTitle}: MCP server ${event.server} is unavailable: ${visibleText(event.reason).text}`,
        newline: true,
      };
    case "file-attached":
      return {
        text: `  ▸ ${event.agentTitle} attached ${visibleText(event.file.title).text}: ${visibleText(event.file.localPath).text}`,
        newline: true,
      };
    case "turn-failed":
      return { text: turnFailedLine(event.reason, event.retryable), newline: true };
    case "spend-limit-alert":
      return { text: `$ ${event.alert.text}`, newline: true };
  }
}

/** A turn that ended without an answer, and how to run it again. */
export function turnFailedLine(reason: string, retryable: boolean): string {
  const again = retryable ? " → /retry to run it again" : "";
  return `✗ I could not finish this: ${visibleText(reason).text}.${again}`;
}
