import type { Worker } from "node:worker_threads";
import type { MainMessage, WorkerMessage } from "./ingress-messages.ts";

/**
 * Asks an ingress worker to stop (it closes what faces the network and says `stopped`), waits for
 * that or its exit, at most `timeoutMs` when given, then ends the thread.
 */
export async function stopWorker(worker: Worker, timeoutMs?: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = timeoutMs === undefined ? undefined : setTimeout(resolve, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    worker.once("exit", done);
    worker.on("message", (message: WorkerMessage) => {
      if (message.type === "stopped") done();
    });
    worker.postMessage({ type: "stop" } satisfies MainMessage);
  });
  await worker.terminate();
}
