import type { SlackApi } from "../../adapters/slack/slack-api.ts";
import { redactSecrets } from "../../domain/secret-redaction.ts";
import { safeMarkdown, splitAtSafeEnd } from "../../domain/slack-blocks/format.ts";
import type { Logger } from "../../logger.ts";
import { KeyedQueue } from "./keyed-queue.ts";
import type { SlackThread } from "./session-threads.ts";
import type { SlackStore } from "./slack-store.ts";

/** Replies are Markdown: `markdown_text` renders it (up to 12,000 characters); longer ones go as plain text. */
function replyContent(text: string): { markdown_text: string } | { text: string } {
  return text.length <= 12_000 ? { markdown_text: text } : { text: text.slice(0, 39_000) };
}

/** A model-written link unfurls into a preview its page controls (title, text, image): none. */
const noUnfurls = { unfurl_links: false, unfurl_media: false } as const;

interface Turn {
  sessionId: string;
  thread: SlackThread;
  ts: string | undefined;
  mode: "stream" | "edit";
  sent: string;
  pending: string;
  timer: NodeJS.Timeout | undefined;
  finished: boolean;
}

/**
 * Streams a supervisor reply into its thread. Deltas are coalesced and flushed at most
 * every `intervalMs`; the first flush starts a Slack stream (`chat.startStream`), later
 * ones append, completion stops it. If streaming fails the reply falls back to a posted
 * message that is edited as text arrives.
 */
export class ReplyStreamer {
  private readonly turns = new Map<string, Turn>();
  /** Turns already completed here: a late or replayed delta must not start a second message. */
  private readonly completedTurns = new Set<string>();
  private readonly queue = new KeyedQueue();
  private readonly api: SlackApi;
  private readonly store: SlackStore;
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private readonly onReplyShown: (thread: SlackThread) => void;

  constructor(options: {
    api: SlackApi;
    store: SlackStore;
    logger: Logger;
    intervalMs?: number;
    /** The first text of a reply reached its thread. */
    onReplyShown?: (thread: SlackThread) => void;
  }) {
    this.api = options.api;
    this.store = options.store;
    this.logger = options.logger;
    this.intervalMs = options.intervalMs ?? 750;
    this.onReplyShown = options.onReplyShown ?? (() => undefined);
  }

  delta(sessionId: string, turnId: string, thread: SlackThread, delta: string): void {
    if (this.completedTurns.has(turnId)) return;
    const turn = this.turnFor(sessionId, turnId, thread);
    if (turn.finished) return;
    turn.pending += delta;
    if (turn.timer) return;
    // The first piece goes out at once so the user sees the reply begin; later ones are batched.
    const delay = turn.ts === undefined && turn.sent === "" ? 0 : this.intervalMs;
    turn.timer = setTimeout(() => {
      turn.timer = undefined;
      void this.queue
        .run(turnId, () => this.flush(turnId, turn))
        .catch((error: unknown) => {
          this.logger.warn({ err: error, sessionId }, "could not stream a reply");
        });
    }, delay);
  }

  completed(sessionId: string, turnId: string, thread: SlackThread, rawText: string): Promise<void> {
    const text = safeMarkdown(redactSecrets(rawText));
    const turn = this.turnFor(sessionId, turnId, thread);
    if (turn.timer) clearTimeout(turn.timer);
    turn.timer = undefined;
    turn.finished = true;
    return this.queue.run(turnId, async () => {
      try {
        await this.finish(turnId, turn, text);
      } finally {
        this.turns.delete(turnId);
        if (this.completedTurns.size > 10_000) this.completedTurns.clear();
        this.completedTurns.add(turnId);
      }
    });
  }

  async idle(): Promise<void> {
    for (const turn of this.turns.values()) if (turn.timer) clearTimeout(turn.timer);
    await this.queue.idle();
  }

  private turnFor(sessionId: string, turnId: string, thread: SlackThread): Turn {
    let turn = this.turns.get(turnId);
    if (!turn) {
      turn = {
        sessionId,
        thread,
        ts: undefined,
        mode: "stream",
        sent: "",
        pending: "",
        timer: undefined,
        finished: false,
      };
      this.turns.set(turnId, turn);
    }
    return turn;
  }

  private purpose(turnId: string): string {
    return `reply:${turnId}`;
  }

  private async flush(turnId: string, turn: Turn): Promise<void> {
    if (turn.finished || turn.pending === "") return;
    const { ready, rest } = splitAtSafeEnd(turn.pending);
    if (ready === "") return;
    const text = safeMarkdown(redactSecrets(ready));
    turn.pending = rest;
    if (turn.ts === undefined) {
      const stored = await this.store.getMessage(turn.sessionId, this.purpose(turnId));
      if (stored) {
        // Posted before a restart: keep editing that message.
        turn.ts = stored.ts;
        turn.mode = "edit";
      } else {
        await this.start(turnId, turn, text);
        return;
      }
    }
    if (turn.mode === "stream") {
      try {
        await this.api.call("chat.appendStream", {
          channel: turn.thread.channel,
          ts: turn.ts,
          markdown_text: text,
        });
        turn.sent += text;
        return;
      } catch (error) {
        this.logger.debug({ err: error }, "appendStream failed; editing the message instead");
        turn.mode = "edit";
      }
    }
    turn.sent += text;
    await this.api.call("chat.update", {
      channel: turn.thread.channel,
      ts: turn.ts,
      ...replyContent(turn.sent),
    });
  }

  private async start(turnId: string, turn: Turn, text: string): Promise<void> {
    try {
      const response = await this.api.call("chat.startStream", {
        channel: turn.thread.channel,
        thread_ts: turn.thread.threadTs,
        markdown_text: text,
        recipient_user_id: turn.thread.ownerId,
        recipient_team_id: turn.thread.teamId,
      });
      turn.ts = String(response.ts);
      turn.mode = "stream";
    } catch (error) {
      this.logger.debug({ err: error }, "startStream failed; posting the reply instead");
      const response = await this.api.call("chat.postMessage", {
        channel: turn.thread.channel,
        thread_ts: turn.thread.threadTs,
        ...replyContent(text),
        ...noUnfurls,
      });
      turn.ts = String(response.ts);
      turn.mode = "edit";
    }
    this.onReplyShown(turn.thread);
    turn.sent = text;
    await this.store.saveMessage(turn.sessionId, this.purpose(turnId), {
      channel: turn.thread.channel,
      ts: turn.ts,
      contentHash: null,
    });
  }

  private async finish(turnId: string, turn: Turn, text: string): Promise<void> {
    if (turn.ts === undefined) {
      const stored = await this.store.getMessage(turn.sessionId, this.purpose(turnId));
      if (stored) {
        // Seen again after a restart: make sure the message holds the full reply, post nothing.
        if (stored.contentHash !== "final") {
          await this.api.call("chat.update", {
            channel: stored.channel,
            ts: stored.ts,
            ...replyContent(text),
          });
          await this.store.saveMessage(turn.sessionId, this.purpose(turnId), {
            ...stored,
            contentHash: "final",
          });
        }
        return;
      }
      if (text.trim() === "") return;
      const response = await this.api.call("chat.postMessage", {
        channel: turn.thread.channel,
        thread_ts: turn.thread.threadTs,
        ...replyContent(text),
        ...noUnfurls,
      });
      this.onReplyShown(turn.thread);
      await this.store.saveMessage(turn.sessionId, this.purpose(turnId), {
        channel: turn.thread.channel,
        ts: String(response.ts),
        contentHash: "final",
      });
      return;
    }
    const stored = { channel: turn.thread.channel, ts: turn.ts, contentHash: "final" };
    if (turn.mode === "stream") {
      const rest = text.startsWith(turn.sent) ? text.slice(turn.sent.length) : "";
      try {
        await this.api.call("chat.stopStream", {
          channel: turn.thread.channel,
          ts: turn.ts,
          ...(rest ? { markdown_text: rest } : {}),
        });
        if (text.startsWith(turn.sent)) {
          await this.store.saveMessage(turn.sessionId, this.purpose(turnId), stored);
          return;
        }
      } catch (error) {
        this.logger.debug({ err: error }, "stopStream failed; editing the message instead");
      }
    }
    await this.api.call("chat.update", { channel: turn.thread.channel, ts: turn.ts, ...replyContent(text) });
    await this.store.saveMessage(turn.sessionId, this.purpose(turnId), stored);
  }
}
