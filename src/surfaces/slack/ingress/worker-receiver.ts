import type { AddressInfo } from "node:net";
import { Worker } from "node:worker_threads";
import {
  type AckFn,
  type App,
  type Logger as BoltLogger,
  ErrorCode,
  type Receiver,
  ReceiverMultipleAckError,
} from "@slack/bolt";
import { describeError } from "../../../adapters/slack/bolt-logger.ts";
import { ThreadworkError } from "../../../domain/errors.ts";
import type { Logger } from "../../../logger.ts";
import type { HttpAnswer } from "../http-answer.ts";
import type { PageRoute } from "../page-route.ts";
import type { WebhookRoute } from "../webhook-route.ts";
import type {
  ForwardedRequest,
  IngressWorkerData,
  ListenOptions,
  MainMessage,
  WorkerMessage,
} from "./ingress-messages.ts";

class SlackIngressError extends ThreadworkError {
  constructor(message: string, cause?: unknown) {
    super("slack_ingress_failed", message, { category: "system", cause });
    this.name = "SlackIngressError";
  }
}

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
  private app: App | undefined;
  private worker: Worker | undefined;
  private listen: ListenOptions;
  private stopping = false;
  /** Set once the first worker listens: only then is a worker that dies started again. */
  private started = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelayMs: number;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly options: WorkerReceiverOptions;

  constructor(options: WorkerReceiverOptions) {
    this.options = options;
    this.listen = options.port;
    this.restartDelayMs = options.restartDelayMs ?? 1000;
  }

  init(app: App): void {
    this.app = app;
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
    if (worker) {
      await new Promise<void>((resolve) => {
        worker.once("exit", () => resolve());
        worker.on("message", (message: WorkerMessage) => {
          if (message.type === "stopped") resolve();
        });
        worker.postMessage({ type: "stop" } satisfies MainMessage);
      });
      await worker.terminate();
    }
    await Promise.allSettled([...this.inFlight]);
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
    switch (message.type) {
      case "event":
        // Already acknowledged by the worker.
        this.dispatch(message.request, async () => undefined).catch((error: unknown) => {
          this.options.logger.error({ err: error }, "a Slack event failed after its ack");
        });
        return;
      case "request": {
        const { id } = message;
        let acknowledged = false;
        const ack: AckFn<unknown> = async (response) => {
          if (acknowledged) throw new ReceiverMultipleAckError();
          acknowledged = true;
          post({ type: "ack", id, response });
        };
        this.dispatch(message.request, ack).then(
          () => post({ type: "done", id }),
          (error: unknown) =>
            post({
              type: "failed",
              id,
              authorization: (error as { code?: unknown }).code === ErrorCode.AuthorizationError,
              message: error instanceof Error ? describeError(error) : String(error),
            }),
        );
        return;
      }
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
      case "log":
        this.options.boltLogger[message.level](message.message);
        return;
      default:
        return;
    }
  }

  private dispatch(request: ForwardedRequest, ack: AckFn<unknown>): Promise<void> {
    const app = this.app;
    if (!app)
      return Promise.reject(new SlackIngressError("the Slack receiver has no app: init was not called"));
    const work = app.processEvent({ ...request, ack });
    this.inFlight.add(work);
    const forget = () => {
      this.inFlight.delete(work);
    };
    work.then(forget, forget);
    return work;
  }
}
