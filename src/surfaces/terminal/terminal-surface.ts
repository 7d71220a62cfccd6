import type { Readable, Writable } from "node:stream";
import type { RuntimeApi } from "../../runtime/runtime-api.ts";
import type { SessionKey, SurfaceEvent } from "../../runtime/surface-port.ts";
import { ReplyLines } from "./reply-lines.ts";
import { TerminalActivity } from "./terminal-activity.ts";
import {
  type CommandContext,
  cancel,
  decide,
  decidePlan,
  retry,
  steer,
} from "./terminal-command-handlers.ts";
import { parseTerminalLine, terminalHelp } from "./terminal-commands.ts";
import { TerminalConversation } from "./terminal-conversation.ts";
import { agentLine, renderEvent } from "./terminal-render.ts";
import { createTerminalScreen, speakerLabel, type TerminalScreen } from "./terminal-screen.ts";

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
  const chat = new TerminalChat(options);
  return {
    handleLine: (text) => chat.handleLine(text),
    stop: () => chat.stop(),
    run: () => chat.run(),
  };
}

class TerminalChat {
  readonly #options: TerminalSurfaceOptions;
  readonly #screen: TerminalScreen;
  readonly #reply: ReplyLines;
  readonly #activity: TerminalActivity;
  readonly #conversation: TerminalConversation;
  readonly #context: CommandContext;
  #stopped = false;
  #interrupted = false;

  constructor(options: TerminalSurfaceOptions) {
    this.#options = options;
    const interactive = options.interactive ?? false;
    const screen = createTerminalScreen({ input: options.input, output: options.output, interactive });
    this.#screen = screen;
    this.#reply = new ReplyLines({
      print: (text) => screen.print(text),
      label: speakerLabel(replyLabel, interactive),
      labelWidth: `${replyLabel} › `.length,
      columns: () => screen.columns(),
    });
    this.#activity = new TerminalActivity((text) => screen.setActivity(text));
    this.#conversation = new TerminalConversation({
      runtime: options.runtime,
      key: options.key,
      userId: options.userId,
      sessionId: options.sessionId,
      show: (event) => this.#show(event),
    });
    this.#context = {
      conversation: this.#conversation,
      line: (text) => this.#line(text),
      thinking: () => this.#activity.thinking(),
    };
    screen.onInterrupt(() => {
      this.#interrupted = true;
      this.#line("Stopping… (the conversation resumes where it left off next time)");
      this.stop();
    });
  }

  async run(): Promise<{ interrupted: boolean }> {
    for (const text of this.#options.introduction ?? []) this.#line(text);
    this.#line("Type a message to talk to the supervisor; /help lists the commands.");
    if (await this.#conversation.ensureSession()) {
      const pending = await this.#conversation.listRequests();
      if (pending.length > 0) this.#line(["Waiting on you:", ...pending].join("\n"));
    }
    try {
      for await (const text of this.#screen.lines()) {
        if (!(await this.handleLine(text))) break;
      }
    } finally {
      this.stop();
    }
    return { interrupted: this.#interrupted };
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    // What a step being interrupted still streams would land below "Stopping…".
    this.#conversation.close();
    this.#activity.stop();
    this.#reply.flush();
    this.#screen.close();
  }

  /** Handles one typed line; false once the person quits. */
  async handleLine(text: string): Promise<boolean> {
    const command = parseTerminalLine(text);
    const context = this.#context;
    switch (command.type) {
      case "empty":
        return true;
      case "quit":
        return false;
      case "help":
        this.#line(terminalHelp);
        return true;
      case "invalid":
        this.#line(command.reason);
        return true;
      case "message":
        this.#activity.thinking();
        await this.#conversation.sendMessage(command.text);
        return true;
      case "agents":
        await this.#listAgents();
        return true;
      case "requests":
        await this.#listRequests();
        return true;
      case "cancel":
        await cancel(command, context);
        return true;
      case "plan":
        await decidePlan(command, context);
        return true;
      case "steer":
        await steer(command, context);
        return true;
      case "retry":
        await retry(context);
        return true;
      default:
        await decide(command, context);
        return true;
    }
  }

  async #listAgents(): Promise<void> {
    const agents = await this.#conversation.listAgents();
    this.#line(agents.length === 0 ? "No agents yet." : agents.map(agentLine).join("\n"));
  }

  async #listRequests(): Promise<void> {
    const pending = await this.#conversation.listRequests();
    this.#line(pending.length === 0 ? "Nothing waits on you." : pending.join("\n"));
  }

  #line(text: string): void {
    this.#reply.flush();
    this.#screen.print(text);
  }

  #show(event: SurfaceEvent): void {
    this.#activity.observe(event);
    // A restart announces pending requests again: show each once.
    if (
      (event.type === "question-asked" ||
        event.type === "approval-requested" ||
        event.type === "budget-reached" ||
        event.type === "plan-proposed") &&
      !this.#conversation.firstSighting(event.request.id)
    ) {
      return;
    }
    if (event.type === "reply-delta") this.#reply.delta(event.turnId, event.delta);
    else if (event.type === "reply-completed") this.#reply.completed(event.turnId, event.text);
    else {
      const rendered = renderEvent(event, (request) => this.#conversation.numberOf(request));
      if (rendered) this.#line(rendered.text);
    }
  }
}
