/** A token bucket on an injected clock: `perMinute` tokens a minute, at most `burst` saved up. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly perMillisecond: number;
  private readonly burst: number;

  constructor(perMinute: number, burst: number, now: number) {
    this.perMillisecond = perMinute / 60_000;
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    if (now <= this.updatedAt) return;
    this.tokens = Math.min(this.burst, this.tokens + (now - this.updatedAt) * this.perMillisecond);
    this.updatedAt = now;
  }

  /** When the next token is there (`now` or later). */
  readyAt(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return now;
    return Math.max(now, this.updatedAt) + Math.ceil((1 - this.tokens) / this.perMillisecond);
  }

  take(now: number): void {
    this.refill(now);
    this.tokens -= 1;
  }

  /** After a 429: nothing saved up, and refilling starts when the block lifts. */
  emptyUntil(until: number): void {
    this.tokens = 0;
    this.updatedAt = Math.max(this.updatedAt, until);
  }
}
