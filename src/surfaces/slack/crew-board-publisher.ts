import { SlackApiError } from "../../adapters/slack/slack-errors.ts";
import type { Logger } from "../../logger.ts";
import type { RuntimeApi } from "../../runtime/runtime-api.ts";
import { type BoardStyle, renderCrewBoard, waitingOnPeople } from "./blocks/crew-board.ts";
import type { MessagePublisher } from "./message-publisher.ts";
import type { SessionThreads } from "./session-threads.ts";

interface BoardState {
  lastEditAt: number;
  /** When Slack last answered an edit: the next one goes out at least `intervalMs` later. */
  lastLandedAt: number;
  /** Set by `idle`: the next redraw goes out without waiting for the interval. */
  hurried: boolean;
  /** Ends the interval a chained redraw is waiting out. */
  hurry: (() => void) | undefined;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void>;
  /** A redraw is chained and not started yet: it will read the latest state, so one is enough. */
  redrawQueued: boolean;
  /** Queued edits not yet accepted by Slack. */
  landing: Set<Promise<void>>;
}

const boardPurpose = "board";

/**
 * Keeps one crew board per session, edited in place at most once per `intervalMs`: a
 * burst of agent events becomes one edit. Edits are background calls: while one waits
 * for Slack's pace, a newer rendering replaces it. `plan` blocks are tried first; if
 * Slack rejects them, this process renders sections from then on.
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
      state = {
        lastEditAt: 0,
        lastLandedAt: 0,
        hurried: false,
        hurry: undefined,
        timer: undefined,
        running: Promise.resolve(),
        redrawQueued: false,
        landing: new Set(),
      };
      this.states.set(sessionId, state);
    }
    if (state.timer) return;
    const current = state;
    const delay = Math.max(0, current.lastEditAt + this.intervalMs - Date.now());
    current.timer = setTimeout(() => {
      current.timer = undefined;
      this.queueRedraw(sessionId, current);
    }, delay);
  }

  /** Draws every board with a redraw pending now, so a stopping process leaves final boards, and waits for Slack. */
  async idle(): Promise<void> {
    for (const [sessionId, state] of this.states) {
      state.hurried = true;
      state.hurry?.();
      if (!state.timer) continue;
      clearTimeout(state.timer);
      state.timer = undefined;
      this.queueRedraw(sessionId, state);
    }
    for (const state of this.states.values()) {
      await state.running;
      await Promise.all(state.landing);
      state.hurried = false;
    }
  }

  private queueRedraw(sessionId: string, state: BoardState): void {
    if (state.redrawQueued) return;
    state.redrawQueued = true;
    state.running = state.running.then(async () => {
      // Spaced by what Slack saw, not by when drawing began: a late edit must not crowd the next.
      await Promise.all(state.landing);
      const wait = state.lastLandedAt + this.intervalMs - Date.now();
      if (wait > 0 && !state.hurried) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          state.hurry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      state.hurry = undefined;
      state.hurried = false;
      state.redrawQueued = false;
      state.lastEditAt = Date.now();
      try {
        await this.redraw(sessionId, state);
      } catch (error) {
        this.logger.warn({ err: error, sessionId }, "could not update the crew board");
      }
    });
  }

  private async redraw(sessionId: string, state: BoardState): Promise<void> {
    const thread = await this.threads.get(sessionId);
    if (!thread) return;
    const listed = await this.runtime.listAgents(sessionId);
    if (!listed.some((agent) => agent.role === "worker")) return;
    const agents = waitingOnPeople(listed, await this.runtime.listPendingRequests(sessionId));
    const style = this.style;
    try {
      const { landed } = await this.publisher.publishQueued(
        sessionId,
        boardPurpose,
        thread,
        renderCrewBoard(agents, { now: this.now(), style }),
        { priority: "background" },
      );
      const landing = landed.then(
        () => {
          state.lastLandedAt = Date.now();
        },
        (error: unknown) => {
          if (this.rejectedPlanBlocks(error, style)) this.schedule(sessionId);
          else this.logger.warn({ err: error, sessionId }, "could not update the crew board");
        },
      );
      state.landing.add(landing);
      void landing.then(() => state.landing.delete(landing));
    } catch (error) {
      if (!this.rejectedPlanBlocks(error, style)) throw error;
      await this.publisher.publish(
        sessionId,
        boardPurpose,
        thread,
        renderCrewBoard(agents, { now: this.now(), style: "sections" }),
      );
    }
  }

  /** True (and the style switches to sections) when Slack refused `plan` blocks. */
  private rejectedPlanBlocks(error: unknown, style: BoardStyle): boolean {
    if (!(error instanceof SlackApiError) || error.slackError !== "invalid_blocks" || style === "sections") {
      return false;
    }
    if (this.style === "plan") this.logger.info("Slack rejected plan blocks; the crew board uses sections");
    this.style = "sections";
    return true;
  }
}
