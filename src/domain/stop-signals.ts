/**
 * What a stop signal means to a running service. The first SIGTERM or SIGINT starts the graceful
 * stop. A later SIGTERM changes nothing: supervisors send it again (systemd signals the whole
 * control group, npm forwards the one it got), and the budget's backstop already bounds the stop.
 * A later SIGINT is a person pressing Ctrl-C again and stops at once, unless it comes within
 * `sameKeypressMs` of the last one: a terminal signals its whole foreground group and npm forwards
 * the same Ctrl-C, so one keypress reaches the app twice.
 */
export type StopDecision = "stop-gracefully" | "already-stopping" | "stop-at-once";

export const sameKeypressMs = 500;

export function createStopSignals(): (signal: "SIGINT" | "SIGTERM", nowMs: number) => StopDecision {
  let stopping = false;
  let lastInterruptMs = Number.NEGATIVE_INFINITY;
  return (signal, nowMs) => {
    const previousInterruptMs = lastInterruptMs;
    if (signal === "SIGINT") lastInterruptMs = nowMs;
    if (!stopping) {
      stopping = true;
      return "stop-gracefully";
    }
    if (signal !== "SIGINT" || nowMs - previousInterruptMs < sameKeypressMs) return "already-stopping";
    return "stop-at-once";
  };
}
