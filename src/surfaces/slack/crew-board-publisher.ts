import { SlackApiError } from "../../adapters/slack/slack-errors.ts";
import { type BoardStyle, renderCrewBoard } from "../../domain/slack-blocks/crew-board.ts";
import type { Logger } from "../../logger.ts";
import type { RuntimeApi } from "../../runtime/runtime-api.ts";
import type { MessagePublisher } from "./message-publisher.ts";
import type { SessionThreads } from "./session-threads.ts";

interface BoardState {
  lastEditAt: number;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void>;
}

export const boardPurpose = "board";

/**
 * Keeps one crew board per session, edited in place at most once per `intervalMs`: a
 * burst of agent events becomes one edit. `plan` blocks are tried first; if Slack
 * rejects them, this process renders sections from then on.
 */
export class CrewBoardPublisher {
  private readonly states = new Map<string, BoardState>();
  private style: BoardStyle = "plan";
  private readonly runtime: RuntimeApi;
  private readonly publisher: MessagePublisher;
  private readonly threads: SessionThreads;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly intervalMs: number;

  constructor(options: {
    runtime: RuntimeApi;
    publisher: MessagePublisher;
    threads: SessionThreads;
    logger: Logger;
    now: () => Date;
    intervalMs?: number;
  }) {
    this.runtime = options.runtime;
    this.publisher = options.publisher;
    this.threads = options.threads;
    this.logger = options.logger;
    this.now = options.now;
    this.intervalMs = options.intervalMs ?? 1000;
  }

  /** Asks for a redraw; it happens once the session's last edit is `intervalMs` old. */
  schedule(sessionId: string): void {
    let state = this.states.get(sessionId);
    if (!state) {
      state = { lastEditAt: 0, timer: undefined, running: Promise.resolve() };
      this.states.set(sessionId, state);
    }
    if (state.timer) return;
    const current = state;
    const delay = Math.max(0, current.lastEditAt + this.intervalMs - Date.now());
    current.timer = setTimeout(() => {
      current.timer = undefined;
      current.running = current.running.then(async () => {
        current.lastEditAt = Date.now();
        try {
          await this.redraw(sessionId);
        } catch (error) {
          this.logger.warn({ err: error, sessionId }, "could not update the crew board");
        }
      });
    }, delay);
  }

  async idle(): Promise<void> {
    for (const state of this.states.values()) {
      if (state.timer) {
        clearTimeout(state.timer);
        state.timer = undefined;
      }
      await state.running;
    }
  }

  private async redraw(sessionId: string): Promise<void> {
    const thread = await this.threads.get(sessionId);
    if (!thread) return;
    const agents = await this.runtime.listAgents(sessionId);
    if (!agents.some((agent) => agent.role === "worker")) return;
    const now = this.now();
    try {
      await this.publisher.publish(
        sessionId,
        boardPurpose,
        thread,
        renderCrewBoard(agents, { now, style: this.style }),
      );
    } catch (error) {
      if (
        !(error instanceof SlackApiError) ||
        error.slackError !== "invalid_blocks" ||
        this.style === "sections"
      ) {
        throw error;
      }
      this.logger.info("Slack rejected plan blocks; the crew board uses sections");
      this.style = "sections";
      await this.publisher.publish(
        sessionId,
        boardPurpose,
        thread,
        renderCrewBoard(agents, { now, style: "sections" }),
      );
    }
  }
}
