import type { SlackApi } from "../../adapters/slack/slack-api.ts";
import type { Logger } from "../../logger.ts";
import { type SlackThread, threadScope } from "./session-threads.ts";

/** A thread, and the installation its calls act for. */
type Where = Pick<SlackThread, "teamId" | "enterpriseId" | "channel" | "threadTs">;

/**
 * Shows that work started within a second: the thread status where Slack supports it
 * (agent threads), an :eyes: reaction on the message otherwise.
 */
export class ThreadFeedback {
  private readonly withStatus = new Set<string>();
  private readonly api: SlackApi;
  private readonly logger: Logger;

  constructor(api: SlackApi, logger: Logger) {
    this.api = api;
    this.logger = logger;
  }

  /** Whether the status or the reaction reached Slack. */
  async thinking(thread: Where, messageTs: string): Promise<boolean> {
    try {
      await this.api.call(
        "assistant.threads.setStatus",
        {
          channel_id: thread.channel,
          thread_ts: thread.threadTs,
          status: "is thinking…",
        },
        { scope: threadScope(thread) },
      );
      this.withStatus.add(`${thread.channel}:${thread.threadTs}`);
      return true;
    } catch (error) {
      this.logger.debug({ err: error }, "thread status unavailable; reacting instead");
    }
    try {
      await this.api.call(
        "reactions.add",
        { channel: thread.channel, timestamp: messageTs, name: "eyes" },
        { scope: threadScope(thread) },
      );
      return true;
    } catch (error) {
      this.logger.debug({ err: error }, "could not react to the message");
      return false;
    }
  }

  /** Clears a status set by `thinking`; a reaction stays as a record that the message was seen. */
  async done(thread: Where): Promise<void> {
    const key = `${thread.channel}:${thread.threadTs}`;
    if (!this.withStatus.delete(key)) return;
    try {
      await this.api.call(
        "assistant.threads.setStatus",
        {
          channel_id: thread.channel,
          thread_ts: thread.threadTs,
          status: "",
        },
        { scope: threadScope(thread) },
      );
    } catch (error) {
      this.logger.debug({ err: error }, "could not clear the thread status");
    }
  }
}
