import { verifyWebhookSignature } from "../../adapters/github/webhook-signature.ts";
import { type GitHubEvent, isStaleDelivery, readGitHubEvent } from "../../domain/github-events.ts";
import type { Logger } from "../../logger.ts";
import type { HttpAnswer } from "../../surfaces/slack/http-answer.ts";
import type { WebhookRoute } from "../../surfaces/slack/webhook-route.ts";

export const githubEventsPath = "/github/events";

/** Delivery ids are remembered this long (the processed-events table is pruned after a day). */
export const replayWindowMs = 23 * 3600 * 1000;

export interface GitHubWebhookOptions {
  secret: string;
  /** True only the first time a delivery id is seen, across instances and restarts. */
  claimDelivery(deliveryId: string): Promise<boolean>;
  /** Runs after the answer; a failure is logged by whoever tracks it. */
  process(event: GitHubEvent, delivery: { id: string; name: string }): Promise<void>;
  /** Work after the answer: `stop()` waits for it. */
  track(work: Promise<unknown>): void;
  now(): Date;
  logger: Logger;
}

function answer(status: number, message: string): HttpAnswer {
  return { status, headers: { "content-type": "text/plain" }, body: `${message}\n` };
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body).toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * `POST /github/events`: a delivery signed with the secret (`X-Hub-Signature-256`) is claimed
 * by its `X-GitHub-Delivery` id, answered 202 at once and processed after the answer. Unsigned
 * or badly signed → 401; an id seen before → 409; an event older than the replay window → 400.
 */
export function createGitHubWebhookRoute(options: GitHubWebhookOptions): WebhookRoute {
  const { logger } = options;
  return async ({ headers, body }) => {
    if (!verifyWebhookSignature(options.secret, body, headers["x-hub-signature-256"])) {
      logger.warn(
        { delivery: headers["x-github-delivery"] },
        "refused a GitHub delivery without a valid signature",
      );
      return answer(401, "signature missing or wrong");
    }
    const deliveryId = headers["x-github-delivery"];
    const name = headers["x-github-event"];
    if (!deliveryId || !name) return answer(400, "X-GitHub-Delivery and X-GitHub-Event are required");
    const payload = parseJson(body);
    if (payload === undefined) return answer(400, "the body is not JSON");
    if (name === "ping") return answer(200, "pong");
    const event = readGitHubEvent(name, payload);
    if (isStaleDelivery(event, options.now(), replayWindowMs)) {
      logger.warn(
        { delivery: deliveryId, event: name },
        "refused a GitHub delivery about an event older than a day",
      );
      return answer(400, "the event is older than the replay window");
    }
    if (!(await options.claimDelivery(deliveryId))) {
      logger.warn({ delivery: deliveryId, event: name }, "refused a GitHub delivery seen before");
      return answer(409, "delivery already received");
    }
    if (event.kind === "ignored") {
      logger.debug({ delivery: deliveryId, event: name, reason: event.reason }, "GitHub delivery ignored");
      return answer(202, "accepted");
    }
    options.track(options.process(event, { id: deliveryId, name }));
    return answer(202, "accepted");
  };
}
