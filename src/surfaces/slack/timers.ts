/** Long waits the surface schedules (status heartbeats); tests pass a clock they move by hand. */
export interface SurfaceTimers {
  /** Runs `callback` once after `delayMs`; returns a function that cancels it. */
  schedule(callback: () => unknown, delayMs: number): () => void;
}

export const realTimers: SurfaceTimers = {
  schedule(callback, delayMs) {
    const timer = setTimeout(() => void callback(), delayMs);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
