/** Where a streamed message stands, as `chat.appendStream` and `chat.stopStream` find it. */
export type StreamState = "streaming" | "stopped" | "stopped_by_user" | "expired";

/**
 * The streaming state of messages started with `chat.startStream`. A stream ends when the app
 * stops it, when the person presses Stop (`stopped_by_user`), or when Slack closes it after its
 * lifetime (`message_not_in_streaming_state`); after that, appends and stops are refused.
 */
export class FakeStreams {
  private readonly states = new Map<string, StreamState>();

  private key(channel: string, ts: string): string {
    return `${channel}:${ts}`;
  }

  started(channel: string, ts: string): void {
    this.states.set(this.key(channel, ts), "streaming");
  }

  stopped(channel: string, ts: string): void {
    this.states.set(this.key(channel, ts), "stopped");
  }

  /** The person pressed Stop on the streaming message. */
  stopByUser(channel: string, ts: string): void {
    this.states.set(this.key(channel, ts), "stopped_by_user");
  }

  /** Slack closed the stream, as it does some minutes after it started. */
  expire(channel: string, ts: string): void {
    this.states.set(this.key(channel, ts), "expired");
  }

  stateOf(channel: string, ts: string): StreamState | undefined {
    return this.states.get(this.key(channel, ts));
  }

  /** Slack's error for an append or stop of this message, or undefined while it streams. */
  refusal(channel: string, ts: string): string | undefined {
    const state = this.stateOf(channel, ts);
    if (state === "streaming") return undefined;
    if (state === "stopped_by_user") return "stopped_by_user";
    return "message_not_in_streaming_state";
  }
}
