import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.ts";
import { createSlackSurface, type SlackSurface } from "../../src/surfaces/slack/create-slack-surface.ts";
import { createMemorySlackStore } from "../../src/surfaces/slack/slack-store.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { eventually } from "../helpers/eventually.ts";
import { slackConfig } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

function captureLogs() {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split("\n")) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      callback();
    },
  });
  return { lines, logger: createLogger({ level: "info", environment: "production", destination }) };
}

describe("a Socket Mode outage", () => {
  let fake: FakeSlackServer | undefined;
  let surface: SlackSurface | undefined;
  afterEach(async () => {
    await surface?.stop();
    await fake?.close();
  });

  it("turns /healthz red after the grace, logs the loss and failed attempts with a reason, and the reconnect", async () => {
    fake = await FakeSlackServer.start();
    const { lines, logger } = captureLogs();
    surface = createSlackSurface({
      config: slackConfig(fake, { appToken: fake.appToken, signingSecret: undefined }),
      runtime: new ScriptedRuntime(),
      store: createMemorySlackStore(),
      logger,
      health: async () => ({ database: true, queue: true }),
      host: "127.0.0.1",
      timing: { socketPingTimeoutMs: 1000, socketGraceMs: 2500 },
    });
    const { port } = await surface.start();
    const health = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(lines.some((line) => line.msg === "Slack Socket Mode connected")).toBe(true);
    expect(await health()).toEqual({
      status: 200,
      body: { ok: true, database: true, queue: true, slack: "connected" },
    });

    const outageAt = Date.now();
    fake.dropSocketMode();
    const lost = await eventually(() =>
      lines.find((line) => line.msg.startsWith("Slack Socket Mode connection lost")),
    );
    expect(lost.level).toBe(40);
    expect(lost.msg).toContain("the WebSocket closed without a close frame");
    // Within the grace the SDK is expected to reconnect: still healthy.
    const early = await health();
    if (Date.now() - outageAt < 2000) expect(early.status).toBe(200);

    const failed = await eventually(() =>
      lines.find((line) => line.msg.startsWith("Slack Socket Mode reconnect attempt 1 failed")),
    );
    expect(failed).toMatchObject({ level: 40, attempt: 1 });
    expect(String(failed.reason)).not.toBe("");

    let down = await health();
    while (down.status === 200) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      down = await health();
    }
    expect(Date.now() - outageAt).toBeGreaterThanOrEqual(2500);
    expect(down).toEqual({
      status: 503,
      body: { ok: false, database: true, queue: true, slack: "reconnecting" },
    });

    fake.restoreSocketMode();
    const back = await eventually(() => lines.find((line) => line.msg === "Slack Socket Mode reconnected"));
    expect(back.level).toBe(30);
    expect(back.attempts).toBeGreaterThanOrEqual(2);
    expect(back.downSeconds).toBeGreaterThanOrEqual(2.5);
    expect((await health()).status).toBe(200);

    // No error line without a message, and the SDK's empty WebSocket lines are not shown at all.
    const loud = lines.filter((line) => line.level >= 40);
    for (const line of loud) expect(line.msg, JSON.stringify(line)).toMatch(/\w.*[^:\s]$/);
    expect(lines.filter((line) => line.msg.startsWith("WebSocket error"))).toEqual([]);
  });
});
