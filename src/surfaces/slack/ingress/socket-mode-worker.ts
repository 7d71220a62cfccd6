// The Slack Socket Mode connection, on its own thread: Bolt's real SocketModeReceiver holds the
// WebSocket, reconnects and acks here, so acks never queue behind the runtime on the main thread.
import { parentPort, workerData } from "node:worker_threads";
import { SocketModeReceiver } from "@slack/bolt";
import {
  type ErrorWords,
  type MainMessage,
  type SocketModeWorkerData,
  socketLifecycle,
  type WorkerMessage,
} from "./ingress-messages.ts";
import { createProxyApp, text, workerLogger } from "./proxy-app.ts";

const data = workerData as SocketModeWorkerData;
const mainThread = parentPort;
if (!mainThread) throw new Error("socket-mode-worker.ts runs only as a worker thread");

function post(message: WorkerMessage): void {
  mainThread?.postMessage(message);
}

function wordsOf(error: unknown): ErrorWords {
  if (!(error instanceof Error)) return { message: String(error ?? ""), cause: undefined };
  return { message: error.message, cause: error.cause instanceof Error ? error.cause.message : undefined };
}

const logger = workerLogger(post, data.debug);
const proxy = createProxyApp(post, logger);
const receiver = new SocketModeReceiver({
  appToken: data.appToken,
  logger,
  // apps.connections.open goes where the Web API goes (a fake Slack in tests).
  installerOptions: { clientOptions: data.clientOptions },
  ...(data.clientPingTimeoutMs ? { clientPingTimeout: data.clientPingTimeoutMs } : {}),
});
receiver.init(proxy.app);
for (const event of socketLifecycle) {
  receiver.client.on(event, (error: unknown) =>
    post(event === "error" ? { type: "socket", event, error: wordsOf(error) } : { type: "socket", event }),
  );
}

mainThread.on("message", (message: MainMessage) => {
  if (proxy.answer(message)) return;
  if (message.type !== "stop") return;
  receiver.client
    .disconnect()
    .catch(() => undefined)
    .then(() => post({ type: "stopped" }));
});

receiver.start().then(
  () => post({ type: "socket-started" }),
  (error: unknown) => post({ type: "socket-start-failed", message: text([error]) }),
);
