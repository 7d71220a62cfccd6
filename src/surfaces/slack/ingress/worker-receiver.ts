import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";
import type { App, Logger as BoltLogger, Receiver } from "@slack/bolt";
import type { Logger } from "../../../logger.ts";
import type { HttpAnswer } from "../http-answer.ts";
import type { PageRoute } from "../page-route.ts";
import type { WebhookRoute } from "../webhook-route.ts";
import { ForwardedRequests, SlackIngressError } from "./forwarded-requests.ts";
import type { IngressWorkerData, ListenOptions, MainMessage, WorkerMessage } from "./ingress-messages.ts";
import { stopWorker } from "./stop-worker.ts";

interface WorkerReceiverOptions {
  signingSecret: string;
  endpoint: string;
  /** Where to listen when `start` is given nothing. */
  port: number;
  /** Custom GET routes, answered on the main thread so they report its state. */
  routes: Record<string, () => Promise<HttpAnswer>>;
  /** POST routes answered on the main thread from the raw body; read at each request. */
  webhooks?: Record<string, WebhookRoute>;
  /** GET pages answered on the main thread from the URL and headers; read at each request. */
  pages?: Record<string, PageRoute>;
  logger: Logger;
  boltLogger: BoltLogger;
  /** How long a custom route waits for the main thread before the worker answers 503 (10 s). */
  routeTimeoutMs?: number;
  /** First wait before a crashed worker is started again; doubles up to 30 s (1 s). */
  restartDelayMs?: number;
}

const workerUrl = new URL("./ingress-worker.ts", import.meta.url);

/**
 * A Bolt receiver whose HTTP side runs Bolt's `HTTPReceiver` in a worker thread. The worker
 * acks Events API callbacks itself and forwards them; other requests (interactivity, commands,
 * options) wait for the main thread's ack, so responses with a body still work. A worker that
 * dies is logged and started again on the same port.
 */
export class WorkerReceiver implements Receiver {
  private worker: Worker | undefined;
  private listen: ListenOptions;
  private stopping = false;
  /** Set once the first worker listens: only then is a worker that dies started again. */
  private started = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelayMs: number;
  private readonly forwarded: ForwardedRequests;
  private readonly options: WorkerReceiverOptions;

  constructor(options: WorkerReceiverOptions) {
    this.options = options;
    this.forwarded = new ForwardedRequests(options.logger, options.boltLogger);
    this.listen = options.port;
    this.restartDelayMs = options.restartDelayMs ?? 1000;
  }

  init(app: App): void {
    this.forwarded.init(app);
  }

  /** Resolves once the worker listens, with the address it got (port 0 picks a free port). */
  async start(listen?: ListenOptions): Promise<{ address(): AddressInfo }> {
    if (this.worker) throw new SlackIngressError("the Slack receiver is already started");
    this.stopping = false;
    if (listen !== undefined) this.listen = listen;
    const address = await this.spawn();
    this.started = true;
    // A restarted worker must listen where Slack already sends.
    this.listen = typeof this.listen === "number" ? address.port : { ...this.listen, port: address.port };
    return { address: () => address };
  }

  /** Closes the server in the worker (requests in flight are answered), ends it, then waits for handlers. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.started = false;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await stopWorker(worker);
    await this.forwarded.idle();
  }

  private spawn(): Promise<AddressInfo> {
    const data: IngressWorkerData = {
      signingSecret: this.options.signingSecret,
      endpoint: this.options.endpoint,
      listen: this.listen,
      routes: Object.keys(this.options.routes),
      webhooks: Object.keys(this.options.webhooks ?? {}),
      pages: Object.keys(this.options.pages ?? {}),
      routeTimeoutMs: this.options.routeTimeoutMs ?? 10_000,
      debug: this.options.logger.isLevelEnabled("debug"),
    };
    // No inherited flags: the worker needs no preload, and V8 flags such as --liftoff-only
    // are process-wide already (and refused in a worker's execArgv). No environment either:
    // the thread that faces the network holds the signing secret and no other secret.
    const worker = new Worker(workerUrl, { workerData: data, execArgv: [], env: {} });
    this.worker = worker;
    return new Promise<AddressInfo>((resolve, reject) => {
      worker.on("message", (message: WorkerMessage) => {
        if (message.type === "listening") resolve(message.address);
        else if (message.type === "listen-failed") {
          reject(new SlackIngressError(`the Slack receiver could not listen: ${message.message}`));
          void worker.terminate();
        } else this.handle(worker, message);
      });
      worker.on("error", (error) => {
        this.options.logger.error({ err: error }, "the Slack ingress worker failed");
        reject(new SlackIngressError("the Slack ingress worker failed", error));
      });
      worker.on("exit", (exitCode) => {
        reject(new SlackIngressError(`the Slack ingress worker exited with ${exitCode} before listening`));
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
      "the Slack ingress worker stopped: nothing receives Slack requests until it is started again",
    );
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(delay * 2, 30_000);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.spawn().then(
        () => {
          this.restartDelayMs = this.options.restartDelayMs ?? 1000;
          this.options.logger.warn("the Slack ingress worker was started again and receives Slack requests");
        },
        // Its exit schedules the next attempt.
        (error: unknown) => {
          this.options.logger.error({ err: error }, "the Slack ingress worker could not be started again");
        },
      );
    }, delay);
  }

  private handle(worker: Worker, message: WorkerMessage): void {
    const post = (reply: MainMessage) => worker.postMessage(reply);
    if (this.forwarded.handle(message, post)) return;
    switch (message.type) {
      case "route": {
        const { id, path } = message;
        const route = this.options.routes[path];
        (route ? route() : Promise.resolve({ status: 404, headers: {}, body: "" })).then(
          (answer) => post({ type: "route-response", id, answer }),
          (error: unknown) => {
            this.options.logger.warn({ err: error, path }, "a custom route failed");
            post({ type: "route-response", id, answer: { status: 500, headers: {}, body: "" } });
          },
        );
        return;
      }
      case "webhook": {
        const { id, path, headers, body } = message;
        const route = this.options.webhooks?.[path];
        (route ? route({ headers, body }) : Promise.resolve({ status: 404, headers: {}, body: "" })).then(
          (answer) => post({ type: "route-response", id, answer }),
          (error: unknown) => {
            this.options.logger.warn({ err: error, path }, "a webhook route failed");
            post({ type: "route-response", id, answer: { status: 500, headers: {}, body: "" } });
          },
        );
        return;
      }
      case "page": {
        const { id, path, url, headers } = message;
        const page = this.options.pages?.[path];
        (page ? page({ url, headers }) : Promise.resolve({ status: 404, headers: {}, body: "" })).then(
          (answer) => post({ type: "route-response", id, answer }),
          (error: unknown) => {
            this.options.logger.warn({ err: error, path }, "a page failed");
            post({ type: "route-response", id, answer: { status: 500, headers: {}, body: "" } });
          },
        );
        return;
      }
      default:
        return;
    }
  }
}
