import {
  type AckFn,
  type App,
  type Logger as BoltLogger,
  ErrorCode,
  ReceiverMultipleAckError,
} from "@slack/bolt";
import { describeError } from "../../../adapters/slack/bolt-logger.ts";
import { ThreadworkError } from "../../../domain/errors.ts";
import type { Logger } from "../../../logger.ts";
import type { ForwardedRequest, MainMessage, WorkerMessage } from "./ingress-messages.ts";

export class SlackIngressError extends ThreadworkError {
  constructor(message: string, cause?: unknown) {
    super("slack_ingress_failed", message, { category: "system", cause });
    this.name = "SlackIngressError";
  }
}

/**
 * The main thread's side of a receiver whose socket lives in a worker: runs Bolt's listeners
 * for each forwarded request, sends back their ack (with its body) and outcome, and writes the
 * worker's log lines.
 */
export class ForwardedRequests {
  private app: App | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly logger: Logger;
  private readonly boltLogger: BoltLogger;

  constructor(logger: Logger, boltLogger: BoltLogger) {
    this.logger = logger;
    this.boltLogger = boltLogger;
  }

  init(app: App): void {
    this.app = app;
  }

  /** Handles an `event`, `request` or `log` message; false for any other. */
  handle(message: WorkerMessage, post: (reply: MainMessage) => void): boolean {
    switch (message.type) {
      case "event":
        // Already acknowledged by the worker.
        this.dispatch(message.request, async () => undefined).catch((error: unknown) => {
          this.logger.error({ err: error }, "a Slack event failed after its ack");
        });
        return true;
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
        return true;
      }
      case "log":
        this.boltLogger[message.level](message.message);
        return true;
      default:
        return false;
    }
  }

  /** Resolves once every listener started so far has finished. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
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
