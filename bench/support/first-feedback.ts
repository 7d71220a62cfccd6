import type { RecordedCall } from "../../test/fakes/fake-slack-server.ts";
import { percentile, round } from "./stats.ts";

/** A mention the sender posted: where, and when it was sent (ms since the epoch). */
export interface SentMention {
  channel: string;
  ts: string;
  sentAtMs: number;
}

export interface FirstFeedbackFigures {
  mentions: number;
  /** Mentions the fake Web API saw no feedback call for. */
  withoutFeedback: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** How many mentions each kind of call was first for. */
  byMethod: Record<string, number>;
  /** Per mention in the order sent, the time to its first feedback (null: none). */
  inOrderMs: (number | null)[];
}

/**
 * The mention's thread (channel and thread ts) a call shows something in, when it is a call a
 * person sees: an agent session or thread status, a reaction on the message, a post or stream
 * in the thread. Undefined for anything else (clearing a status, lookups, refused calls).
 */
function threadShownIn(call: RecordedCall): string | undefined {
  if (call.status !== 200 || call.error !== undefined) return undefined;
  const params = call.params;
  switch (call.method) {
    case "agents.sessions.setStatus":
    case "assistant.threads.setStatus":
      return params.status ? `${String(params.channel_id)}:${String(params.thread_ts)}` : undefined;
    case "reactions.add":
      return `${String(params.channel)}:${String(params.timestamp)}`;
    case "chat.postMessage":
    case "chat.startStream":
      return params.thread_ts ? `${String(params.channel)}:${String(params.thread_ts)}` : undefined;
    default:
      return undefined;
  }
}

/**
 * Per mention, the time from the sender sending it to the fake Web API receiving the first call
 * a person sees for it (both clocks are the bench process's).
 */
export function firstFeedbackOf(
  mentions: SentMention[],
  calls: RecordedCall[],
  slackStartedAtMs: number,
): FirstFeedbackFigures {
  const first = new Map<string, RecordedCall>();
  for (const call of calls) {
    const thread = threadShownIn(call);
    if (thread !== undefined && !first.has(thread)) first.set(thread, call);
  }
  const latencies: number[] = [];
  const byMethod: Record<string, number> = {};
  const inOrderMs: (number | null)[] = [];
  for (const mention of mentions) {
    const call = first.get(`${mention.channel}:${mention.ts}`);
    if (!call) {
      inOrderMs.push(null);
      continue;
    }
    const latency = slackStartedAtMs + call.at - mention.sentAtMs;
    latencies.push(latency);
    inOrderMs.push(latency);
    byMethod[call.method] = (byMethod[call.method] ?? 0) + 1;
  }
  return {
    mentions: mentions.length,
    withoutFeedback: mentions.length - latencies.length,
    p50Ms: round(percentile(latencies, 0.5), 1),
    p95Ms: round(percentile(latencies, 0.95), 1),
    p99Ms: round(percentile(latencies, 0.99), 1),
    maxMs: round(latencies.length > 0 ? Math.max(...latencies) : 0, 1),
    byMethod,
    inOrderMs,
  };
}
