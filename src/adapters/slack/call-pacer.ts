import { type CallLane, laneFor, type RateLimits, slackRateLimits } from "./rate-limit-policy.ts";
import { SlackApiError } from "./slack-errors.ts";
import { TokenBucket } from "./token-bucket.ts";

/** `background` calls (crew board edits) wait behind other calls of their method. */
export type CallPriority = "normal" | "background";

interface Waiter {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Entry {
  method: string;
  params: Record<string, unknown>;
  lane: CallLane;
  priority: CallPriority;
  /** This call's own 429s: waiting behind other calls does not count. */
  rateLimited: number;
  /** Rejected with `ratelimited` at once rather than waiting out a 429 (its own or its lane's). */
  failIfLimited: boolean;
  waiters: Waiter[];
  /** When the call was queued, for the pacing delay. */
  queuedAt: number;
}

interface Lane {
  queue: Entry[];
  inFlight: number;
  blockedUntil: number;
  /** Spacing lanes: the earliest start of the next call. */
  nextAt: number;
  bucket: TokenBucket | undefined;
  timerAt: number | undefined;
}

interface CallPacerOptions {
  /** Runs one call against Slack. */
  execute(method: string, params: Record<string, unknown>): Promise<unknown>;
  /** Seconds of Retry-After if `error` is a 429, else undefined. */
  retryAfterOf(error: unknown): number | undefined;
  onRateLimited?(method: string, retryAfter: number): void;
  /** A call leaves the queue for Slack after waiting `waitedMs` (pace, a 429, calls ahead of it). */
  onSend?(method: string, waitedMs: number): void;
  limits?: RateLimits;
  maximumRateLimitRetries?: number;
  now?: () => number;
  setTimer?: (callback: () => void, milliseconds: number) => void;
}

/**
 * Queues Slack calls per lane (posts per channel, other methods per workspace) and sends
 * them at the pace Slack allows, so 429s are rare. A queued edit of a message is replaced
 * by a newer edit of the same message. A 429 blocks only its lane until Retry-After has
 * passed; the lane then drains at its pace, and the call goes again from the front.
 */
export class CallPacer {
  private readonly lanes = new Map<string, Lane>();
  private readonly options: CallPacerOptions;
  private readonly limits: RateLimits;
  private readonly maximumRetries: number;
  private readonly now: () => number;
  private readonly setTimer: (callback: () => void, milliseconds: number) => void;

  constructor(options: CallPacerOptions) {
    this.options = options;
    this.limits = options.limits ?? slackRateLimits;
    this.maximumRetries = options.maximumRateLimitRetries ?? 5;
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((callback, milliseconds) => setTimeout(callback, milliseconds));
  }

  call(
    method: string,
    params: Record<string, unknown>,
    priority: CallPriority = "normal",
    failIfLimited = false,
  ): Promise<unknown> {
    const callLane = laneFor(method, params, this.limits);
    const lane = this.laneOf(callLane);
    if (failIfLimited && lane.blockedUntil > this.now()) {
      return Promise.reject(new SlackApiError(method, "ratelimited"));
    }
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      const queued = failIfLimited ? undefined : this.queuedTwin(lane, callLane);
      if (queued && callLane.merge) {
        queued.params = callLane.merge(queued.params, params);
        queued.waiters.push(waiter);
        if (priority === "normal") queued.priority = "normal";
      } else {
        lane.queue.push({
          method,
          params,
          lane: callLane,
          priority,
          rateLimited: 0,
          failIfLimited,
          waiters: [waiter],
          queuedAt: this.now(),
        });
      }
      this.drain(callLane.key);
    });
  }

  /** Calls waiting or in flight, for shutdown and tests. */
  pending(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.queue.length + lane.inFlight;
    return count;
  }

  private laneOf(callLane: CallLane): Lane {
    let lane = this.lanes.get(callLane.key);
    if (!lane) {
      const rule = callLane.rule;
      lane = {
        queue: [],
        inFlight: 0,
        blockedUntil: 0,
        nextAt: 0,
        bucket: rule.kind === "bucket" ? new TokenBucket(rule.perMinute, rule.burst, this.now()) : undefined,
        timerAt: undefined,
      };
      this.lanes.set(callLane.key, lane);
    }
    return lane;
  }

  private queuedTwin(lane: Lane, callLane: CallLane): Entry | undefined {
    if (callLane.coalesceKey === undefined) return undefined;
    return lane.queue.find((entry) => entry.lane.coalesceKey === callLane.coalesceKey);
  }

  private next(lane: Lane): number {
    const first = lane.queue[0];
    if (!first) return -1;
    if (first.lane.ordered) return 0;
    const index = lane.queue.findIndex((entry) => entry.priority === "normal");
    return index === -1 ? 0 : index;
  }

  private drain(key: string): void {
    const lane = this.lanes.get(key);
    if (!lane) return;
    for (;;) {
      const index = this.next(lane);
      const entry = lane.queue[index];
      if (!entry) {
        this.forgetIdle(key, lane);
        return;
      }
      const rule = entry.lane.rule;
      if (rule.kind === "spacing" && lane.inFlight > 0) return;
      const now = this.now();
      const paceAt = rule.kind === "spacing" ? lane.nextAt : (lane.bucket?.readyAt(now) ?? now);
      const readyAt = Math.max(lane.blockedUntil, paceAt);
      if (readyAt > now) {
        this.wake(key, lane, readyAt);
        return;
      }
      lane.queue.splice(index, 1);
      lane.bucket?.take(now);
      this.send(key, lane, entry);
    }
  }

  /** A channel's post lane is forgotten once idle and past its pace, so channels do not pile up. */
  private forgetIdle(key: string, lane: Lane): void {
    const now = this.now();
    if (lane.bucket || lane.inFlight > 0 || lane.timerAt !== undefined) return;
    if (lane.nextAt > now || lane.blockedUntil > now) return;
    this.lanes.delete(key);
  }

  private wake(key: string, lane: Lane, at: number): void {
    if (lane.timerAt !== undefined && lane.timerAt <= at) return;
    lane.timerAt = at;
    this.setTimer(
      () => {
        if (lane.timerAt === at) lane.timerAt = undefined;
        this.drain(key);
      },
      Math.max(0, at - this.now()),
    );
  }

  private send(key: string, lane: Lane, entry: Entry): void {
    lane.inFlight += 1;
    this.options.onSend?.(entry.method, Math.max(0, this.now() - entry.queuedAt));
    this.options.execute(entry.method, entry.params).then(
      (response) => {
        this.finished(lane, entry);
        for (const waiter of entry.waiters) waiter.resolve(response);
        this.drain(key);
      },
      (error: unknown) => {
        this.finished(lane, entry);
        const retryAfter = this.options.retryAfterOf(error);
        if (retryAfter !== undefined && entry.failIfLimited) {
          // The lane waits out Retry-After for the others; this call gives up now.
          this.block(lane, entry, retryAfter, false);
          for (const waiter of entry.waiters)
            waiter.reject(new SlackApiError(entry.method, "ratelimited", error));
        } else if (retryAfter === undefined || entry.rateLimited >= this.maximumRetries) {
          const failure =
            retryAfter === undefined ? error : new SlackApiError(entry.method, "ratelimited", error);
          for (const waiter of entry.waiters) waiter.reject(failure);
        } else {
          entry.rateLimited += 1;
          this.block(lane, entry, retryAfter);
        }
        this.drain(key);
      },
    );
  }

  private finished(lane: Lane, entry: Entry): void {
    lane.inFlight -= 1;
    if (entry.lane.rule.kind === "spacing") {
      lane.nextAt = Math.max(lane.nextAt, this.now() + entry.lane.rule.intervalMs);
    }
  }

  /** Queued calls that would rather fail than wait out a 429 give up now. */
  private rejectQueuedIfLimited(lane: Lane): void {
    const giving = lane.queue.filter((entry) => entry.failIfLimited);
    if (giving.length === 0) return;
    lane.queue = lane.queue.filter((entry) => !entry.failIfLimited);
    for (const entry of giving) {
      for (const waiter of entry.waiters) waiter.reject(new SlackApiError(entry.method, "ratelimited"));
    }
  }

  /** Blocks the lane for Retry-After and puts the call back in front (merged with a newer twin). */
  private block(lane: Lane, entry: Entry, retryAfter: number, requeue = true): void {
    const until = this.now() + retryAfter * 1000;
    lane.blockedUntil = Math.max(lane.blockedUntil, until);
    lane.bucket?.emptyUntil(lane.blockedUntil);
    this.options.onRateLimited?.(entry.method, retryAfter);
    this.rejectQueuedIfLimited(lane);
    if (!requeue) return;
    const twin = this.queuedTwin(lane, entry.lane);
    if (twin && entry.lane.merge) {
      lane.queue.splice(lane.queue.indexOf(twin), 1);
      twin.params = entry.lane.merge(entry.params, twin.params);
      twin.waiters = [...entry.waiters, ...twin.waiters];
      twin.rateLimited = Math.max(twin.rateLimited, entry.rateLimited);
      if (entry.priority === "normal") twin.priority = "normal";
      lane.queue.unshift(twin);
      return;
    }
    lane.queue.unshift(entry);
  }
}
