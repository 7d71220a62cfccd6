import { counted } from "../../domain/plural.ts";
import type { SurfaceEvent } from "../../runtime/surface-port.ts";

/**
 * What the spinner says while the conversation is busy: the supervisor thinking or writing,
 * or sub-agents at work. Nothing while everything waits on the person at the keyboard.
 */
export class TerminalActivity {
  readonly #show: (text: string | undefined) => void;
  #supervisor: "thinking" | "writing" | undefined;
  /** Sub-agents started and not ended, with whether one waits on a request. */
  readonly #workers = new Map<string, "working" | "waiting">();
  #stopped = false;

  constructor(show: (text: string | undefined) => void) {
    this.#show = show;
  }

  /** A message was sent: the supervisor takes a turn. */
  thinking(): void {
    this.#supervisor = "thinking";
    this.#update();
  }

  observe(event: SurfaceEvent): void {
    switch (event.type) {
      case "reply-delta":
        this.#supervisor = "writing";
        break;
      case "session-idle":
      case "turn-failed":
        this.#supervisor = undefined;
        break;
      case "agent-started":
        if (event.agent.role !== "supervisor") this.#workers.set(event.agent.id, "working");
        else this.#supervisor = "thinking";
        break;
      case "agent-finished":
      case "agent-failed":
      case "agent-cancelled":
        if (event.agent.role === "supervisor") {
          this.#supervisor = undefined;
        } else {
          this.#workers.delete(event.agent.id);
          // The supervisor is woken to read what its sub-agent did.
          this.#supervisor = "thinking";
        }
        break;
      case "question-asked":
      case "approval-requested":
      case "budget-reached":
        if (this.#workers.has(event.request.agentId)) this.#workers.set(event.request.agentId, "waiting");
        else this.#supervisor = undefined;
        break;
      case "request-decided":
        if (this.#workers.has(event.request.agentId)) this.#workers.set(event.request.agentId, "working");
        break;
      default:
        break;
    }
    this.#update();
  }

  stop(): void {
    this.#stopped = true;
    this.#show(undefined);
  }

  #update(): void {
    if (this.#stopped) return;
    const working = [...this.#workers.values()].filter((state) => state === "working").length;
    if (this.#supervisor !== undefined) this.#show(this.#supervisor);
    else if (working > 0) this.#show(`${counted(working, "agent")} working`);
    else this.#show(undefined);
  }
}
