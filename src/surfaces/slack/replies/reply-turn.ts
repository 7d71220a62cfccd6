import type { SlackThread } from "../session-threads.ts";

/** A model-written link unfurls into a preview its page controls (title, text, image): none. */
export const noUnfurls = { unfurl_links: false, unfurl_media: false } as const;

/**
 * Slack closes a stream some minutes after it started (about five are observed; the SDKs call
 * the timeout undocumented). A reply still streaming after this long continues in a new stream.
 */
export const streamLifetimeMs = 4 * 60_000;

/** A reply message's stored content hash once it holds its final text, or once its person stopped it. */
export const finalHash = "final";
export const stoppedHash = "stopped";
/** Slack stopped the message's stream for someone who may not stop the work: the reply comes whole below. */
export const interruptedHash = "interrupted";

/** How Slack's Stop button ends a reply: `stop` where it is; `interrupt` posts it whole anew once complete. */
export type ReplyStop = "stop" | "interrupt";

/** One Slack message of a reply; a reply longer than one message allows continues in the next. */
export interface Segment {
  index: number;
  ts: string;
  /** `stream` while it is a live stream; `edit` when it is a posted message edited as text arrives. */
  mode: "stream" | "edit";
  /** What the message shows. */
  text: string;
  startedAt: number;
  /** The next piece did not fit: the reply goes on in a new message. */
  full: boolean;
}

export interface Turn {
  sessionId: string;
  thread: SlackThread;
  segment: Segment | undefined;
  /** The index of the next message this reply opens. */
  nextIndex: number;
  /** Everything this process delivered, across the reply's messages. */
  delivered: string;
  /** Streaming was refused (or never started): the reply's messages are posted and edited. */
  postOnly: boolean;
  /** Messages Slack or the person ended: never edited again. */
  ended: Set<number>;
  pending: string;
  timer: NodeJS.Timeout | undefined;
  finished: boolean;
  /** The person stopped the reply: nothing more is sent, and nothing is rewritten. */
  stopped: boolean;
  /** The message whose stream ended with `stopped_by_user`: a stranger's Stop turns it into an interruption. */
  stoppedSegment: Segment | undefined;
  /** A stranger's Stop ended the stream: nothing more is streamed; the whole reply is posted once complete. */
  interrupted: boolean;
  /** The supervisor's answer before it rests: its last stream stop carries the feedback buttons. */
  finalAnswer: boolean;
}

export function newTurn(sessionId: string, thread: SlackThread): Turn {
  return {
    sessionId,
    thread,
    segment: undefined,
    nextIndex: 0,
    delivered: "",
    postOnly: false,
    ended: new Set(),
    pending: "",
    timer: undefined,
    finished: false,
    stopped: false,
    stoppedSegment: undefined,
    interrupted: false,
    finalAnswer: false,
  };
}

/** Whether nothing more of the reply is streamed: its person stopped it, or a stranger's Stop ended its stream. */
export function replyIsOver(turn: Turn): boolean {
  return turn.stopped || turn.interrupted;
}

/** The store purpose of a reply's message; the first keeps the one it had before replies could span messages. */
export function replyPurpose(turnId: string, index: number): string {
  return index === 0 ? `reply:${turnId}` : `reply:${turnId}:${index}`;
}

/** The store purpose of a message of a reply posted whole after a stranger's Stop. */
export function wholeReplyPurpose(turnId: string, index: number): string {
  return `reply:${turnId}:whole:${index}`;
}
