import { EventEmitter } from "node:events";
import { Worker } from "node:worker_threads";
import type { App, Logger as BoltLogger, Receiver } from "@slack/bolt";
import type { Logger } from "../../../logger.ts";
import { ForwardedRequests, SlackIngressError } from "./forwarded-requests.ts";
import type { ErrorWords, SocketModeWorkerData, WorkerMessage } from "./ingress-messages.ts";
import { stopWorker } from "./stop-worker.ts";

interface SocketModeWorkerReceiverOptions {
  appToken: string;
  /** The WebClient's options for `apps.connections.open`; its logger stays on this thread. */
  clientOptions: Record<string, unknown>;
  clientPingTimeoutMs?: number | undefined;
  logger: Logger;
  boltLogger: BoltLogger;
  /** First wait before a crashed worker is started again; doubles up to 30 s (1 s). */
  restartDelayMs?: number;
  /** How long `stop` waits for the worker to close the WebSocket before ending it (5 s). */
  stopTimeoutMs?: number;
}

const workerUrl = new URL("./socket-mode-worker.ts", import.meta.url);

/** Proxy settings the WebClient and WebSocket read; the worker gets no other variable. */
const proxyVariables = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"];

function errorOf(words: ErrorWords | undefined): Error {
  const error = new Error(words?.message ?? "");
  if (words?.cause) error.cause = new Error(words.cause);
  return error;
}

/**
 * A Bolt receiver whose Socket Mode WebSocket lives in a worker thread: the worker connects
 * with the app token, reconnects, acks each event on receipt and forwards it here, where Bolt's
 * listeners run. Interactive payloads and slash commands wait for this thread's ack, so a modal's
 * `response_action` and a command's reply still work. `lifecycle` re-emits the worker's
 * `SocketModeClient` events for `SocketModeConnection`. A worker that dies is logged and started again.
 */
export class SocketModeWorkerReceiver implements Receiver {
  /** The worker's `SocketModeClient` lifecycle events (`connected`, `close`, `error`…), re-emitted here. */
  readonly lifecycle = new EventEmitter();
  private worker: Worker | undefined;
  private stopping = false;
  /** Set once the first worker connects: only then is a worker that dies started again. */
  private started = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelayMs: number;
  private readonly forwarded: ForwardedRequests;
  private readonly options: SocketModeWorkerReceiverOptions;

  constructor(options: SocketModeWorkerReceiverOptions) {
    this.options = options;
    this.forwarded = new ForwardedRequests(options.logger, options.boltLogger);
    this.restartDelayMs = options.restartDelayMs ?? 1000;
    // An EventEmitter throws an `error` nobody listens to.
    this.lifecycle.on("error", () => undefined);
  }

  init(app: App): void {
    this.forwarded.init(app);
  }

  /** Resolves once the worker's first connection is up, as `SocketModeReceiver.start` does. */
  async start(): Promise<void> {
    if (this.worker) throw new SlackIngressError("the Slack Socket Mode receiver is already started");
    this.stopping = false;
    await this.spawn();
    this.started = true;
  }

  /** Closes the WebSocket in the worker, ends it, then waits for the listeners already running. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.started = false;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await stopWorker(worker, this.options.stopTimeoutMs ?? 5000);
    await this.forwarded.idle();
  }

  private spawn(): Promise<void> {
    const data: SocketModeWorkerData = {
      appToken: this.options.appToken,
      clientOptions: this.options.clientOptions,
      clientPingTimeoutMs: this.options.clientPingTimeoutMs,
      debug: this.options.logger.isLevelEnabled("debug"),
    };
    const env = Object.fromEntries(
      proxyVariables.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
    );
    // As for the HTTP ingress: no inherited flags, and no secret but the app token (in workerData).
    const worker = new Worker(workerUrl, { workerData: data, execArgv: [], env });
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      worker.on("message", (message: WorkerMessage) => {
        if (message.type === "socket-started") resolve();
        else if (message.type === "socket-start-failed") {
          reject(new SlackIngressError(`Slack Socket Mode could not connect: ${message.message}`));
          void worker.terminate();
        } else if (message.type === "socket") {
          this.lifecycle.emit(message.event, ...(message.event === "error" ? [errorOf(message.error)] : []));
        } else this.forwarded.handle(message, (reply) => worker.postMessage(reply));
      });
      worker.on("error", (error) => {
        this.options.logger.error({ err: error }, "the Slack Socket Mode worker failed");
        reject(new SlackIngressError("the Slack Socket Mode worker failed", error));
      });
      worker.on("exit", (exitCode) => {
        reject(
          new SlackIngressError(`the Slack Socket Mode worker exited with ${exitCode} before connecting`),
        );
        this.exited(worker, exitCode);
      });
    });
  }

  private exited(worker: Worker, exitCode: number): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (this.stopping || !this.started) return;
    this.options.logger.error(
      { exitCode, restartInMs: this.restartDelayMs },
      "the Slack Socket Mode worker stopped: no Slack events arrive until it is started again",
    );
    // The connection it held is gone: logs and /healthz follow it as a lost connection.
    this.lifecycle.emit("error", new Error("the Socket Mode worker thread stopped"));
    this.lifecycle.emit("close");
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(delay * 2, 30_000);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.lifecycle.emit("reconnecting");
      this.spawn().then(
        () => {
          this.restartDelayMs = this.options.restartDelayMs ?? 1000;
          this.options.logger.warn(
            "the Slack Socket Mode worker was started again and receives Slack events",
          );
        },
        (error: unknown) => {
          // A worker that could not connect is ended; its exit schedules the next attempt.
          this.options.logger.error(
            { err: error },
            "the Slack Socket Mode worker could not be started again",
          );
        },
      );
    }, delay);
  }
}
