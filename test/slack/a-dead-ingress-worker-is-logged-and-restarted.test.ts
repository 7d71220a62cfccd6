import type { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerReceiver } from "../../src/surfaces/slack/ingress/worker-receiver.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { collectingLogger } from "../helpers/collecting-logger.ts";
import { channel, type Harness, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

/** No request can make the worker throw, so the test ends it the way a crash would. */
function ingressWorker(harness: Harness): Worker {
  const receiver = (harness.surface.app as unknown as { receiver: WorkerReceiver }).receiver;
  const worker = (receiver as unknown as { worker: Worker | undefined }).worker;
  if (!worker) throw new Error("the receiver has no worker");
  return worker;
}

describe("an ingress worker that dies", () => {
  let fake: FakeSlackServer;
  let runtime: ScriptedRuntime;
  let harness: Harness;
  const lines: string[] = [];

  beforeAll(async () => {
    fake = await FakeSlackServer.start();
    runtime = new ScriptedRuntime();
    const { logger } = collectingLogger(lines);
    harness = await startHarness({ runtime, fake, logger });
  });
  afterAll(async () => {
    await harness.stop();
    await fake.close();
  });

  it("is logged, and a new one takes Slack requests and health checks on the same port", async () => {
    const dead = ingressWorker(harness);
    await dead.terminate();
    await fake.waitFor(() => lines.some((line) => line.includes("the Slack ingress worker stopped")));

    await fake.waitFor(() => lines.some((line) => line.includes("was started again")), 10_000);
    expect((await fetch(`${harness.baseUrl}/healthz`)).status).toBe(200);
    const before = runtime.inputs.length;
    const status = await harness.event("EvAfterRestart", {
      type: "app_mention",
      user: "U0OWNER",
      text: `<@${fake.botUserId}> still there?`,
      ts: "1700003000.000100",
      channel,
    });
    expect(status).toBe(200);
    await fake.waitFor(() => runtime.inputs.length > before);
  });
});
