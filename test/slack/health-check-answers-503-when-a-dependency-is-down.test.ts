import { describe, expect, it } from "vitest";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";
import { useSlackSurface } from "./support/slack-surface-per-test.ts";

describe("the health check", () => {
  const slack = useSlackSurface();

  it("reports 503 from /healthz when the database or queue is down", async () => {
    const runtime = new ScriptedRuntime();
    const harness = await slack.start({ runtime, health: async () => ({ database: false, queue: true }) });
    const response = await fetch(`${harness.baseUrl}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ok: false, database: false, queue: true });
  });
});
