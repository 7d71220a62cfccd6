// The worker threads' side of Bolt: a logger that writes through the main thread, and an app
// that hands each request to the main thread, whose Bolt listeners answer it.
import {
  type App,
  AuthorizationError,
  type Logger as BoltLogger,
  LogLevel,
  type ReceiverEvent,
} from "@slack/bolt";
import type { ForwardedRequest, LogLevelName, MainMessage, WorkerMessage } from "./ingress-messages.ts";

type Post = (message: WorkerMessage) => void;

export function text(values: unknown[]): string {
  return values.map((value) => (value instanceof Error ? value.message : String(value))).join(" ");
}

/** Every line goes to the main thread, whose logger decides what is written. */
export function workerLogger(post: Post, debug: boolean): BoltLogger {
  const log =
    (level: LogLevelName) =>
    (...values: unknown[]) =>
      post({ type: "log", level, message: text(values) });
  // Bolt writes two debug lines per ack; a message each to the main thread is work it need not do.
  const quiet = () => undefined;
  return {
    debug: debug ? log("debug") : quiet,
    // Bolt's info lines are debug in this app's logs (toBoltLogger).
    info: debug ? log("info") : quiet,
    warn: log("warn"),
    error: log("error"),
    setLevel: () => undefined,
    getLevel: () => (debug ? LogLevel.DEBUG : LogLevel.INFO),
    setName: () => undefined,
  };
}

function forwarded(event: ReceiverEvent): ForwardedRequest {
  return {
    body: event.body,
    retryNum: event.retryNum,
    retryReason: event.retryReason,
    customProperties: event.customProperties,
  };
}

/** Bolt acks Events API callbacks before any listener runs, except `function_executed` (App.processEvent). */
function ackedOnReceipt(body: Record<string, unknown>): boolean {
  const event = body.event as { type?: unknown } | undefined;
  return body.type === "event_callback" && event?.type !== "function_executed";
}

interface Waiting {
  ack(response: unknown): void;
  done(): void;
  failed(error: Error): void;
}

/**
 * What a receiver in a worker sees as the app: the main thread, reached by messages. Events
 * are acked here on receipt and forwarded; any other request waits for the main thread's ack,
 * which may carry a response body (a modal's errors, a slash command's reply).
 */
export function createProxyApp(post: Post, logger: BoltLogger) {
  const waiting = new Map<number, Waiting>();
  let counter = 0;
  const app = {
    async processEvent(event: ReceiverEvent): Promise<void> {
      if (ackedOnReceipt(event.body)) {
        await event.ack();
        post({ type: "event", request: forwarded(event) });
        return;
      }
      counter += 1;
      const id = counter;
      try {
        await new Promise<void>((resolve, reject) => {
          waiting.set(id, {
            ack: (response) => {
              event.ack(response).catch((error: unknown) => {
                logger.warn(`could not send the main thread's ack: ${text([error])}`);
              });
            },
            done: resolve,
            failed: reject,
          });
          post({ type: "request", id, request: forwarded(event) });
        });
      } finally {
        waiting.delete(id);
      }
    },
  };
  /** Applies the main thread's answer to a forwarded request; false for any other message. */
  function answer(message: MainMessage): boolean {
    switch (message.type) {
      case "ack":
        waiting.get(message.id)?.ack(message.response);
        return true;
      case "done":
        waiting.get(message.id)?.done();
        return true;
      case "failed":
        waiting
          .get(message.id)
          ?.failed(
            message.authorization
              ? new AuthorizationError(message.message, new Error(message.message))
              : new Error(message.message),
          );
        return true;
      default:
        return false;
    }
  }
  return { app: app as unknown as App, answer };
}
