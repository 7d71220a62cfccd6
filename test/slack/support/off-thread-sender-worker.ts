// Sends signed Slack requests from its own thread, so a test can block the main thread and
// still time the answer.
import { parentPort } from "node:worker_threads";
import { sendSignedEvent } from "../../fakes/slack-signing.ts";
import type { OffThreadRequest, OffThreadResult } from "./off-thread-sender.ts";

parentPort?.on("message", (request: OffThreadRequest) => {
  setTimeout(async () => {
    const started = performance.now();
    let result: OffThreadResult;
    try {
      const response = await sendSignedEvent(request.url, request.envelope, {
        signingSecret: request.signingSecret,
        ...(request.signature ? { signature: request.signature } : {}),
      });
      const ms = performance.now() - started;
      await response.arrayBuffer();
      result = { id: request.id, status: response.status, ms };
    } catch (error) {
      result = { id: request.id, status: 0, ms: performance.now() - started, error: String(error) };
    }
    parentPort?.postMessage(result);
  }, request.delayMs);
});
