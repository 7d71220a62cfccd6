import type { AgentSnapshot } from "../../domain/agents.ts";
import type { RequestSnapshot } from "../../domain/requests.ts";
import type { RuntimeApi } from "../../runtime/runtime-api.ts";
import type { SessionKey, SurfaceEvent } from "../../runtime/surface-port.ts";
import { requestLine } from "./terminal-render.ts";

interface TerminalConversationOptions {
  runtime: RuntimeApi;
  key: SessionKey;
  userId: string;
  /** The conversation's session when it already exists. */
  sessionId?: string;
  /** Shows one event of this conversation's session. */
  show: (event: SurfaceEvent) => void;
}

/**
 * The terminal's one conversation with the runtime: its session, the events of that session
 * only (the others never reach `show`), and the numbers the person types to decide requests.
 */
export class TerminalConversation {
  readonly runtime: RuntimeApi;
  readonly userId: string;
  readonly #key: SessionKey;
  readonly #show: (event: SurfaceEvent) => void;
  readonly #numbers = new Map<string, number>();
  readonly #requests = new Map<number, string>();
  readonly #seen = new Set<string>();
  readonly #unsubscribe: () => void;
  #sessionId: string | undefined;
  // Events that arrive while the first message is on its way, before its session id is known.
  #early: SurfaceEvent[] | undefined;

  constructor(options: TerminalConversationOptions) {
    this.runtime = options.runtime;
    this.userId = options.userId;
    this.#key = options.key;
    this.#show = options.show;
    this.#sessionId = options.sessionId;
    this.#unsubscribe = options.runtime.subscribe((event) => this.#receive(event));
  }

  /** The number the person types for a request, given on first sight. */
  numberOf(request: RequestSnapshot): number {
    let number = this.#numbers.get(request.id);
    if (number === undefined) {
      number = this.#numbers.size + 1;
      this.#numbers.set(request.id, number);
      this.#requests.set(number, request.id);
    }
    return number;
  }

  requestId(number: number): string | undefined {
    return this.#requests.get(number);
  }

  /** Whether a request is announced for the first time: a restart announces pending requests again. */
  firstSighting(requestId: string): boolean {
    if (this.#seen.has(requestId)) return false;
    this.#seen.add(requestId);
    return true;
  }

  async ensureSession(): Promise<string | undefined> {
    if (this.#sessionId === undefined) this.#sessionId = (await this.runtime.findSession(this.#key))?.id;
    return this.#sessionId;
  }

  async sendMessage(text: string): Promise<void> {
    const message = { type: "user-message" as const, key: this.#key, userId: this.userId, text };
    if (this.#sessionId !== undefined) {
      await this.runtime.handle(message);
      return;
    }
    this.#early = [];
    try {
      const outcome = await this.runtime.handle(message);
      if (outcome.type === "message-accepted") this.#sessionId = outcome.sessionId;
      for (const event of this.#early) if (event.sessionId === this.#sessionId) this.#show(event);
    } finally {
      this.#early = undefined;
    }
  }

  async listAgents(): Promise<AgentSnapshot[]> {
    const id = await this.ensureSession();
    return id ? this.runtime.listAgents(id) : [];
  }

  /** The pending requests as numbered lines; listed requests are not announced again. */
  async listRequests(): Promise<string[]> {
    const id = await this.ensureSession();
    const pending = id ? await this.runtime.listPendingRequests(id) : [];
    for (const request of pending) this.#seen.add(request.id);
    return pending.map((request) => requestLine(request, this.numberOf(request)));
  }

  close(): void {
    this.#unsubscribe();
  }

  #receive(event: SurfaceEvent): void {
    if (this.#sessionId === undefined) {
      this.#early?.push(event);
      return;
    }
    if (event.sessionId === this.#sessionId) this.#show(event);
  }
}
