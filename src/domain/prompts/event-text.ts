/** How mailbox events read in an agent's transcript. */
export interface MailboxEvent {
  type: string;
  payload: Record<string, unknown>;
}

function field(payload: Record<string, unknown>, name: string): string {
  const value = payload[name];
  return typeof value === "string"
    ? value
    : value === undefined || value === null
      ? ""
      : JSON.stringify(value);
}

function historyText(payload: Record<string, unknown>): string {
  const history = payload.history;
  if (!Array.isArray(history) || history.length === 0) return "";
  const lines = history.map((entry) => {
    const item = entry as { author?: unknown; text?: unknown };
    return `${String(item.author ?? "someone")}: ${String(item.text ?? "")}`;
  });
  return `Earlier messages in this conversation:\n${lines.join("\n")}\n\n`;
}

export function eventText(event: MailboxEvent): string {
  const payload = event.payload;
  const agent = `agent "${field(payload, "title")}" (${field(payload, "agentId")})`;
  switch (event.type) {
    case "user-message":
      return `${historyText(payload)}Message from user ${field(payload, "userId")}:\n${field(payload, "text")}`;
    case "brief":
      return field(payload, "brief");
    case "message":
      return `Message from the supervisor:\n${field(payload, "text")}`;
    case "agent-finished":
      return `[event] ${agent} finished. Summary:\n${field(payload, "summary")}`;
    case "agent-failed":
      return `[event] ${agent} failed: ${field(payload, "reason")}`;
    case "agent-cancelled":
      return `[event] ${agent} was cancelled.`;
    case "agent-progress":
      return `[event] ${agent} progress: ${field(payload, "text")}`;
    case "question-asked":
      return `[event] ${agent} asked the user (they see the question directly): ${field(payload, "question")}`;
    case "approval-requested":
      return `[event] ${agent} is waiting for the user's approval of: ${field(payload, "description")}`;
    default:
      return `[event] ${event.type}: ${JSON.stringify(payload)}`;
  }
}
