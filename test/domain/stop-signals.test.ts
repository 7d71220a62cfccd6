import { describe, expect, it } from "vitest";
import { createStopSignals, sameKeypressMs } from "../../src/domain/stop-signals.ts";

describe("stop signals", () => {
  it("starts a graceful stop on the first SIGTERM or SIGINT", () => {
    expect(createStopSignals()("SIGTERM", 0)).toBe("stop-gracefully");
    expect(createStopSignals()("SIGINT", 0)).toBe("stop-gracefully");
  });

  it("never cuts a stop short on a repeated SIGTERM (systemd's control group, npm's forward)", () => {
    const decide = createStopSignals();
    decide("SIGTERM", 0);
    expect(decide("SIGTERM", 1)).toBe("already-stopping");
    expect(decide("SIGTERM", 60_000)).toBe("already-stopping");
  });

  it("takes one Ctrl-C that arrives twice (the terminal's group and npm's forward) as one", () => {
    const decide = createStopSignals();
    decide("SIGINT", 1000);
    expect(decide("SIGINT", 1000 + sameKeypressMs - 1)).toBe("already-stopping");
  });

  it("stops at once on a second Ctrl-C, after a first one or after a SIGTERM", () => {
    const afterInterrupt = createStopSignals();
    afterInterrupt("SIGINT", 1000);
    afterInterrupt("SIGINT", 1010);
    expect(afterInterrupt("SIGINT", 1000 + 2 * sameKeypressMs)).toBe("stop-at-once");
    const afterTerminate = createStopSignals();
    afterTerminate("SIGTERM", 1000);
    expect(afterTerminate("SIGINT", 1001)).toBe("stop-at-once");
  });
});
