/** Where a streamed message stands, as `chat.appendStream` and `chat.stopStream` find it. */
export type StreamState = "streaming" | "stopped" | "stopped_by_user" | "expired";

interface Stream {
  channel: string;
  /** The thread the stream replies in; its agent session is that thread's. */
  threadTs: string | undefined;
  ts: string;
  state: StreamState;
}

/**
 * The streaming state of messages started with `chat.startStream`. A stream ends when the app
 * stops it, when the person presses Stop (`stopped_by_user`), or when Slack closes it after its
 * lifetime (`message_not_in_streaming_state`); after that, appends and stops are refused. The
 * fake's agent sessions read the same streams: the thread a stream belongs to, and which of a
 * thread's streams Slack's Stop button ends.
 */
export class FakeStreams {
  private readonly streams = new Map<string, Stream>();

  private key(channel: string, ts: string): string {
    return `${channel}:${ts}`;
  }

  started(channel: string, ts: string, threadTs?: string): void {
    this.streams.set(this.key(channel, ts), { channel, threadTs, ts, state: "streaming" });
  }

  stopped(channel: string, ts: string): void {
    this.set(channel, ts, "stopped");
  }

  /** The person pressed Stop on the streaming message. */
  stopByUser(channel: string, ts: string): void {
    this.set(channel, ts, "stopped_by_user");
  }

  /** Slack closed the stream, as it does some minutes after it started. */
  expire(channel: string, ts: string): void {
    this.set(channel, ts, "expired");
  }

  stateOf(channel: string, ts: string): StreamState | undefined {
    return this.streams.get(this.key(channel, ts))?.state;
  }

  /** The thread a stream was started in. */
  threadOf(channel: string, ts: string): string | undefined {
    return this.streams.get(this.key(channel, ts))?.threadTs;
  }

  /** The messages still streaming in a thread, oldest first. */
  streamingIn(channel: string, threadTs: string): string[] {
    return [...this.streams.values()]
      .filter((stream) => stream.channel === channel && stream.threadTs === threadTs)
      .filter((stream) => stream.state === "streaming")
      .map((stream) => stream.ts);
  }

  /** Slack's error for an append or stop of this message, or undefined while it streams. */
  refusal(channel: string, ts: string): string | undefined {
    const state = this.stateOf(channel, ts);
    if (state === "streaming") return undefined;
    if (state === "stopped_by_user") return "stopped_by_user";
    return "message_not_in_streaming_state";
  }

  private set(channel: string, ts: string, state: StreamState): void {
    const stream = this.streams.get(this.key(channel, ts));
    if (stream) stream.state = state;
    else this.streams.set(this.key(channel, ts), { channel, threadTs: undefined, ts, state });
  }
}
