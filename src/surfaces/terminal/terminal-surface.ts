import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { AgentSnapshot } from "../../domain/agents.ts";
import type { RequestSnapshot } from "../../domain/requests.ts";
import type { RuntimeApi } from "../../runtime/runtime-api.ts";
import type { SessionKey, SurfaceEvent } from "../../runtime/surface-port.ts";
import { parseTerminalLine, type TerminalCommand, terminalHelp } from "./terminal-commands.ts";
import { agentLine, renderEvent, requestLine } from "./terminal-render.ts";

export interface TerminalSurfaceOptions {
  runtime: RuntimeApi;
  input: Readable;
  output: Writable;
  userId: string;
  key: SessionKey;
}

export interface TerminalSurface {
  /** Reads lines until /quit or the end of input. */
  run(): Promise<void>;
  /** Handles one typed line; exposed for tests. */
  handleLine(line: string): Promise<boolean>;
}

/** A chat at the terminal: streamed replies, agent status lines, decisions by number. */
export function createTerminalSurface(options: TerminalSurfaceOptions): TerminalSurface {
  const { runtime, output } = options;
  const numbers = new Map<string, number>();
  const requests = new Map<number, string>();
  const seen = new Set<string>();
  let sessionId: string | undefined;
  let midLine = false;

  const write = (text: string) => output.write(text);
  const line = (text: string) => {
    if (midLine) write("\n");
    midLine = false;
    write(`${text}\n`);
  };

  function numberOf(request: RequestSnapshot): number {
    let number = numbers.get(request.id);
    if (number === undefined) {
      number = numbers.size + 1;
      numbers.set(request.id, number);
      requests.set(number, request.id);
    }
    return number;
  }

  function onEvent(event: SurfaceEvent): void {
    if (sessionId !== undefined && event.sessionId !== sessionId) return;
    // A restart announces pending requests again: show each once.
    if (
      event.type === "question-asked" ||
      event.type === "approval-requested" ||
      event.type === "budget-reached"
    ) {
      if (seen.has(event.request.id)) return;
      seen.add(event.request.id);
    }
    if (event.type === "reply-completed") {
      if (midLine) write("\n");
      else write(`${event.text}\n`);
      midLine = false;
      return;
    }
    const rendered = renderEvent(event, numberOf);
    if (!rendered) return;
    if (rendered.newline) line(rendered.text);
    else {
      write(rendered.text);
      midLine = true;
    }
  }

  runtime.subscribe(onEvent);

  async function ensureSession(): Promise<string | undefined> {
    if (sessionId === undefined) sessionId = (await runtime.findSession(options.key))?.id;
    return sessionId;
  }

  async function decide(command: Extract<TerminalCommand, { type: "answer" | "approval" | "budget" }>) {
    const requestId = requests.get(command.number);
    if (!requestId) return line(`No request #${command.number}.`);
    const input =
      command.type === "answer"
        ? { type: "answer" as const, requestId, userId: options.userId, answer: command.text }
        : command.type === "approval"
          ? {
              type: "approval-decision" as const,
              requestId,
              userId: options.userId,
              decision: command.decision,
            }
          : {
              type: "budget-decision" as const,
              requestId,
              userId: options.userId,
              decision: command.decision,
            };
    const outcome = await runtime.handle(input);
    if (outcome.type === "decision" && !outcome.outcome.ok) line(`Not done: ${outcome.outcome.reason}.`);
  }

  async function listAgents(): Promise<AgentSnapshot[]> {
    const id = await ensureSession();
    return id ? runtime.listAgents(id) : [];
  }

  async function handleLine(text: string): Promise<boolean> {
    const command = parseTerminalLine(text);
    switch (command.type) {
      case "empty":
        return true;
      case "quit":
        return false;
      case "help":
        line(terminalHelp);
        return true;
      case "invalid":
        line(command.reason);
        return true;
      case "message": {
        const outcome = await runtime.handle({
          type: "user-message",
          key: options.key,
          userId: options.userId,
          text: command.text,
        });
        if (outcome.type === "message-accepted") sessionId = outcome.sessionId;
        return true;
      }
      case "agents": {
        const agents = await listAgents();
        line(agents.length === 0 ? "No agents yet." : agents.map(agentLine).join("\n"));
        return true;
      }
      case "requests": {
        const id = await ensureSession();
        const pending = id ? await runtime.listPendingRequests(id) : [];
        line(
          pending.length === 0
            ? "Nothing waits on you."
            : pending.map((request) => requestLine(request, numberOf(request))).join("\n"),
        );
        return true;
      }
      case "cancel": {
        const id = await ensureSession();
        if (!id) {
          line("No session yet.");
          return true;
        }
        const agents = await listAgents();
        const byNumber =
          command.agent && /^\d+$/.test(command.agent) ? agents[Number(command.agent)] : undefined;
        const agentId = byNumber?.id ?? command.agent;
        const outcome = await runtime.handle({
          type: "cancel",
          sessionId: id,
          userId: options.userId,
          agentId,
        });
        if (outcome.type === "cancelled") line(`Cancelled ${outcome.agentIds.length} agent(s).`);
        return true;
      }
      default:
        await decide(command);
        return true;
    }
  }

  return {
    handleLine,
    async run() {
      line(`Threadwork chat. ${terminalHelp.split("\n")[0]} /help for commands.`);
      const reader = createInterface({ input: options.input, terminal: false });
      for await (const text of reader) {
        if (!(await handleLine(text))) break;
      }
      reader.close();
    },
  };
}
