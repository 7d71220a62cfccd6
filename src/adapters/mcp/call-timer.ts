/** The largest delay `setTimeout` takes; a longer one would fire at once. */
export const longestTimerMs = 2_147_483_647;

export interface PausableTimer {
  /** Stops the clock until as many `resume` calls: a call waiting on a person is not timed. */
  pause(): void;
  resume(): void;
  clear(): void;
}

/** Calls `onExpired` once `limitMs` of unpaused time has passed. */
export function pausableTimer(limitMs: number, onExpired: () => void): PausableTimer {
  let remaining = Math.min(limitMs, longestTimerMs);
  let startedAt = Date.now();
  let pauses = 0;
  let cleared = false;
  let handle: ReturnType<typeof setTimeout> | undefined = setTimeout(onExpired, remaining);
  return {
    pause() {
      pauses += 1;
      if (pauses > 1 || handle === undefined) return;
      clearTimeout(handle);
      handle = undefined;
      remaining -= Date.now() - startedAt;
    },
    resume() {
      if (pauses === 0) return;
      pauses -= 1;
      if (pauses > 0 || cleared) return;
      startedAt = Date.now();
      handle = setTimeout(onExpired, Math.max(0, remaining));
    },
    clear() {
      cleared = true;
      if (handle !== undefined) clearTimeout(handle);
      handle = undefined;
    },
  };
}
