import type { Readable, Writable } from "node:stream";
import type { AgentSnapshot } from "../../domain/agents.ts";
import { counted } from "../../domain/plural.ts";
import type { RequestSnapshot } from "../../domain/requests.ts";
import { numberedWorkers } from "../../domain/steer-address.ts";
import type { RuntimeApi } from "../../runtime/runtime-api.ts";
import type { SessionKey, SurfaceEvent } from "../../runtime/surface-port.ts";
import { ReplyLines } from "./reply-lines.ts";
import { TerminalActivity } from "./terminal-activity.ts";
import { parseTerminalLine, type TerminalCommand, terminalHelp } from "./terminal-commands.ts";
import { agentLine, renderEvent, requestLine, steerLine } from "./terminal-render.ts";
import { createTerminalScreen, speakerLabel } from "./terminal-screen.ts";

interface TerminalSurfaceOptions {
  runtime: RuntimeApi;
  input: Readable;
  output: Writable;
  userId: string;
  key: SessionKey;
  /** A real terminal: a prompt that stays at the bottom, a spinner, colours. Default: off. */
  interactive?: boolean;
  /** The conversation's session when it already exists, so its events are shown from the start. */
  sessionId?: string;
  /** Lines written before the first prompt, e.g. the models and where the logs go. */
  introduction?: string[];
}

interface TerminalSurface {
  /** Reads lines until /quit, the end of input or `stop()`; says whether Ctrl-C ended it. */
  run(): Promise<{ interrupted: boolean }>;
  /** Ends `run()` at once; the caller then stops the runtime. */
  stop(): void;
  /** Handles one typed line; exposed for tests. */
  handleLine(line: string): Promise<boolean>;
}

const replyLabel = "threadwork";

/**
 * A chat at the terminal: streamed replies under a speaker label, agent status lines,
 * decisions by number. It shows only its own conversation: events of any other session
 * (another chat, a Slack thread) never reach the screen.
 */
export function createTerminalSurface(options: TerminalSurfaceOptions): TerminalSurface {
  const { runtime } = options;
  const interactive = options.interactive ?? false;
  const screen = createTerminalScreen({ input: options.input, output: options.output, interactive });
  const numbers = new Map<string, number>();
  const requests = new Map<number, string>();
  const seen = new Set<string>();
  let sessionId = options.sessionId;
  // Events that arrive while the first message is on its way, before its session id is known.
  let early: SurfaceEvent[] | undefined;
  let stopped = false;

  const reply = new ReplyLines({
    print: (text) => screen.print(text),
    label: speakerLabel(replyLabel, interactive),
    labelWidth: `${replyLabel} › `.length,
    columns: () => screen.columns(),
  });
  const activity = new TerminalActivity((text) => screen.setActivity(text));
  const line = (text: string) => {
    reply.flush();
    screen.print(text);
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

  function show(event: SurfaceEvent): void {
    activity.observe(event);
    // A restart announces pending requests again: show each once.
    if (
      event.type === "question-asked" ||
      event.type === "approval-requested" ||
      event.type === "budget-reached" ||
      event.type === "plan-proposed"
    ) {
      if (seen.has(event.request.id)) return;
      seen.add(event.request.id);
    }
    if (event.type === "reply-delta") reply.delta(event.turnId, event.delta);
    else if (event.type === "reply-completed") reply.completed(event.turnId, event.text);
    else {
      const rendered = renderEvent(event, numberOf);
      if (rendered) line(rendered.text);
    }
  }

  const unsubscribe = runtime.subscribe((event) => {
    if (sessionId === undefined) {
      early?.push(event);
      return;
    }
    if (event.sessionId === sessionId) show(event);
  });

  async function ensureSession(): Promise<string | undefined> {
    if (sessionId === undefined) sessionId = (await runtime.findSession(options.key))?.id;
    return sessionId;
  }

  async function sendMessage(text: string): Promise<void> {
    activity.thinking();
    if (sessionId !== undefined) {
      await runtime.handle({ type: "user-message", key: options.key, userId: options.userId, text });
      return;
    }
    early = [];
    try {
      const outcome = await runtime.handle({
        type: "user-message",
        key: options.key,
        userId: options.userId,
        text,
      });
      if (outcome.type === "message-accepted") sessionId = outcome.sessionId;
      for (const event of early) if (event.sessionId === sessionId) show(event);
    } finally {
      early = undefined;
    }
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
    if (outcome.type !== "decision") return;
    if (!outcome.outcome.ok) return line(`Not done: ${outcome.outcome.reason}.`);
    if (input.type === "approval-decision" && input.decision === "always_allow") {
      if (outcome.outcome.request.decision !== "always_allow") {
        line(
          `"Always allow" is not offered for #${command.number}: approved this once; it asks again next time.`,
        );
      }
    }
  }

  async function decidePlan(command: Extract<TerminalCommand, { type: "plan" }>) {
    const requestId = requests.get(command.number);
    if (!requestId) return line(`No request #${command.number}.`);
    const { decision, text } = command;
    const outcome = await runtime.handle({
      type: "plan-decision",
      requestId,
      userId: options.userId,
      decision,
      text,
    });
    if (outcome.type === "decision" && !outcome.outcome.ok) line(`Not done: ${outcome.outcome.reason}.`);
  }

  async function steer(command: Extract<TerminalCommand, { type: "steer" }>): Promise<void> {
    const id = await ensureSession();
    const worker = numberedWorkers(await listAgents()).find((item) => item.number === command.number);
    if (!id || !worker) return line(`No agent #${command.number}; /agents lists them.`);
    const outcome = await runtime.handle({
      type: "steer",
      sessionId: id,
      agentId: worker.agent.id,
      userId: options.userId,
      text: command.text,
    });
    if (outcome.type === "steer") line(steerLine(outcome.result, command.number));
  }

  async function listAgents(): Promise<AgentSnapshot[]> {
    const id = await ensureSession();
    return id ? runtime.listAgents(id) : [];
  }

  async function listRequests(): Promise<string[]> {
    const id = await ensureSession();
    const pending = id ? await runtime.listPendingRequests(id) : [];
    for (const request of pending) seen.add(request.id);
    return pending.map((request) => requestLine(request, numberOf(request)));
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
      case "message":
        await sendMessage(command.text);
        return true;
      case "agents": {
        const agents = await listAgents();
        line(agents.length === 0 ? "No agents yet." : agents.map(agentLine).join("\n"));
        return true;
      }
      case "requests": {
        const pending = await listRequests();
        line(pending.length === 0 ? "Nothing waits on you." : pending.join("\n"));
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
        if (outcome.type === "cancelled") line(`Cancelled ${counted(outcome.agentIds.length, "agent")}.`);
        return true;
      }
      case "plan":
        await decidePlan(command);
        return true;
      case "steer":
        await steer(command);
        return true;
      case "retry": {
        const id = await ensureSession();
        const outcome = id
          ? await runtime.handle({ type: "retry", sessionId: id, userId: options.userId })
          : undefined;
        if (outcome?.type === "retry" && outcome.outcome === "retried") activity.thinking();
        else {
          line(
            `Nothing to retry${outcome?.type === "retry" ? ` (${outcome.outcome.replaceAll("_", " ")})` : ""}.`,
          );
        }
        return true;
      }
      default:
        await decide(command);
        return true;
    }
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    // What a step being interrupted still streams would land below "Stopping…".
    unsubscribe();
    activity.stop();
    reply.flush();
    screen.close();
  }

  let interrupted = false;
  screen.onInterrupt(() => {
    interrupted = true;
    line("Stopping… (the conversation resumes where it left off next time)");
    stop();
  });

  return {
    handleLine,
    stop,
    async run() {
      for (const text of options.introduction ?? []) line(text);
      line("Type a message to talk to the supervisor; /help lists the commands.");
      if (await ensureSession()) {
        const pending = await listRequests();
        if (pending.length > 0) line(["Waiting on you:", ...pending].join("\n"));
      }
      try {
        for await (const text of screen.lines()) {
          if (!(await handleLine(text))) break;
        }
      } finally {
        stop();
      }
      return { interrupted };
    },
  };
}
