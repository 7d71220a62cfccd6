/** What a line typed at the chat prompt means. */
export type TerminalCommand =
  | { type: "message"; text: string }
  | { type: "answer"; number: number; text: string }
  | { type: "approval"; number: number; decision: "approve" | "deny" | "always_allow" }
  | { type: "budget"; number: number; decision: "extend" | "stop" }
  | { type: "plan"; number: number; decision: "start" | "change" | "cancel"; text: string }
  | { type: "agents" }
  | { type: "requests" }
  | { type: "cancel"; agent: string | undefined }
  | { type: "help" }
  | { type: "quit" }
  | { type: "empty" }
  | { type: "invalid"; reason: string }
  | { type: "steer"; number: number; text: string }
  | { type: "retry" };

export const terminalHelp = `Type a message to talk to the supervisor. Commands:
  /answer <n> <text>   answer question #n
  /approve <n>         approve action #n          /deny <n>    deny it
  /always <n>          approve #n and allow the same action for the rest of the session (where offered)
  /extend <n>          extend the budget (#n)     /stop <n>    stop the session's agents
  /plan <n> start      start the workers of plan #n
  /plan <n> change <text>  send the supervisor a change instead   /plan <n> cancel  start nothing
  /agents              list the agents            /requests    list what waits on you
  /cancel [agent]      cancel one agent (id or number from /agents), or all workers
  /steer <n> <text>    tell agent #n (from /agents) something; it reads it after its current step
  /retry               send your last message again after a failed turn
  /help                this help                  /quit        leave`;

const approvals = { approve: "approve", deny: "deny", always: "always_allow" } as const;
const budgets = { extend: "extend", stop: "stop" } as const;

function requestNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.replace(/^#/, ""));
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

export function parseTerminalLine(line: string): TerminalCommand {
  const text = line.trim();
  if (text === "") return { type: "empty" };
  if (!text.startsWith("/")) return { type: "message", text };
  const [name = "", first, ...rest] = text.slice(1).split(/\s+/);
  switch (name) {
    case "answer": {
      const number = requestNumber(first);
      const answer = rest.join(" ").trim();
      if (number === undefined || answer === "")
        return { type: "invalid", reason: "usage: /answer <n> <text>" };
      return { type: "answer", number, text: answer };
    }
    case "approve":
    case "deny":
    case "always": {
      const number = requestNumber(first);
      if (number === undefined) return { type: "invalid", reason: `usage: /${name} <n>` };
      return { type: "approval", number, decision: approvals[name] };
    }
    case "extend":
    case "stop": {
      const number = requestNumber(first);
      if (number === undefined) return { type: "invalid", reason: `usage: /${name} <n>` };
      return { type: "budget", number, decision: budgets[name] };
    }
    case "plan": {
      const number = requestNumber(first);
      const [decision = "", ...words] = rest;
      const text = words.join(" ").trim();
      if (
        number === undefined ||
        (decision !== "start" && decision !== "change" && decision !== "cancel") ||
        (decision === "change" && text === "")
      ) {
        return {
          type: "invalid",
          reason: "usage: /plan <n> start | /plan <n> change <text> | /plan <n> cancel",
        };
      }
      return { type: "plan", number, decision, text };
    }
    case "agents":
      return { type: "agents" };
    case "requests":
      return { type: "requests" };
    case "cancel":
      return { type: "cancel", agent: first };
    case "steer": {
      const number = requestNumber(first);
      const message = text
        .slice(1)
        .replace(/^\S+\s+\S+/, "")
        .trim();
      if (number === undefined || message === "")
        return { type: "invalid", reason: "usage: /steer <n> <text>" };
      return { type: "steer", number, text: message };
    }
    case "help":
      return { type: "help" };
    case "retry":
      return { type: "retry" };
    case "quit":
    case "exit":
      return { type: "quit" };
    default:
      return { type: "invalid", reason: `unknown command /${name}; /help lists them` };
  }
}
