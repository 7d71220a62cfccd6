// The Slack HTTP ingress, on its own thread: Bolt's real HTTPReceiver receives, verifies and
// acknowledges here, so acks never queue behind the runtime on the main thread.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parentPort, workerData } from "node:worker_threads";
import { HTTPReceiver } from "@slack/bolt";
import { type HttpAnswer, writeAnswer } from "../http-answer.ts";
import { readWebhookBody } from "../read-webhook-body.ts";
import { plainHeaders } from "../webhook-route.ts";
import type { IngressWorkerData, MainMessage, WorkerMessage } from "./ingress-messages.ts";
import { createProxyApp, text, workerLogger } from "./proxy-app.ts";

const data = workerData as IngressWorkerData;
const mainThread = parentPort;
if (!mainThread) throw new Error("ingress-worker.ts runs only as a worker thread");

function post(message: WorkerMessage): void {
  mainThread?.postMessage(message);
}

const logger = workerLogger(post, data.debug);
const proxy = createProxyApp(post, logger);

/** How long a page (`/slack/oauth_redirect`) may take on the main thread: Slack's calls, retried. */
const pageTimeoutMs = 45_000;

const routes = new Map<number, (answer: HttpAnswer) => void>();
let counter = 0;

/** Answers a custom route from the main thread; a main thread that does not answer in time is unhealthy. */
function answerRoute(path: string, response: ServerResponse, request?: ForwardedHttp): void {
  counter += 1;
  const id = counter;
  const timer = setTimeout(
    () => {
      routes.delete(id);
      writeAnswer(response, {
        status: 503,
        headers: { "content-type": "application/json", "cache-control": "no-store" },
        body: JSON.stringify({ ok: false, reason: "the main thread did not answer in time" }),
      });
    },
    // A page may wait on Slack itself (the OAuth exchange): it gets longer than a health check.
    request?.kind === "page" ? Math.max(data.routeTimeoutMs, pageTimeoutMs) : data.routeTimeoutMs,
  );
  routes.set(id, (answer) => {
    clearTimeout(timer);
    routes.delete(id);
    writeAnswer(response, answer);
  });
  post(message(id, path, request));
}

function message(id: number, path: string, request: ForwardedHttp | undefined): WorkerMessage {
  if (request?.kind === "webhook")
    return { type: "webhook", id, path, headers: request.headers, body: request.body };
  if (request?.kind === "page") return { type: "page", id, path, url: request.url, headers: request.headers };
  return { type: "route", id, path };
}

type ForwardedHttp =
  | { kind: "webhook"; headers: Record<string, string | undefined>; body: Uint8Array }
  | { kind: "page"; url: string; headers: Record<string, string | undefined> };

/** Reads a webhook's raw body here and lets the main thread, which holds its secret, answer. */
function answerWebhook(path: string, request: IncomingMessage, response: ServerResponse): void {
  readWebhookBody(request).then(
    (body) => {
      if (body === "too-large") {
        writeAnswer(response, { status: 413, headers: { connection: "close" }, body: "" });
        return;
      }
      answerRoute(path, response, { kind: "webhook", headers: plainHeaders(request.headers), body });
    },
    () => writeAnswer(response, { status: 400, headers: {}, body: "" }),
  );
}

const receiver = new HTTPReceiver({
  signingSecret: data.signingSecret,
  endpoints: data.endpoint,
  logger,
  customRoutes: [
    ...data.routes.map((path) => ({
      path,
      method: ["GET"],
      handler: (_request: unknown, response: ServerResponse) => answerRoute(path, response),
    })),
    ...(data.pages ?? []).map((path) => ({
      path,
      method: ["GET"],
      handler: (request: IncomingMessage, response: ServerResponse) =>
        answerRoute(path, response, {
          kind: "page",
          url: request.url ?? path,
          headers: plainHeaders(request.headers),
        }),
    })),
    ...data.webhooks.map((path) => ({
      path,
      method: ["POST"],
      handler: (request: IncomingMessage, response: ServerResponse) => answerWebhook(path, request, response),
    })),
  ],
});
receiver.init(proxy.app);

mainThread.on("message", (message: MainMessage) => {
  if (proxy.answer(message)) return;
  switch (message.type) {
    case "route-response":
      routes.get(message.id)?.(message.answer);
      return;
    case "stop":
      // Stops accepting; requests in flight get their response first.
      receiver
        .stop()
        .catch(() => undefined)
        .then(() => post({ type: "stopped" }));
      return;
  }
});

receiver.start(data.listen).then(
  (server) => post({ type: "listening", address: server.address() as AddressInfo }),
  (error: unknown) => post({ type: "listen-failed", message: text([error]) }),
);
