import { createHmac } from "node:crypto";

// Requests signed as Slack signs them (`v0` HMAC-SHA256 over `v0:<timestamp>:<body>`), for the Bolt receiver.

export interface SignedRequestOptions {
  signingSecret: string;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  /** Replaces the computed signature, to test forgeries. */
  signature?: string;
  /** Set on Slack's redeliveries of the same event id. */
  retryNumber?: number;
}

function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

async function postSigned(
  url: string,
  body: string,
  contentType: string,
  options: SignedRequestOptions,
): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": contentType,
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": options.signature ?? sign(options.signingSecret, timestamp, body),
  };
  if (options.retryNumber !== undefined) {
    headers["x-slack-retry-num"] = String(options.retryNumber);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  return fetch(url, { method: "POST", headers, body });
}

/** Sends any JSON body signed like Slack signs it, e.g. a `url_verification` challenge. */
export function sendSignedJson(
  url: string,
  body: Record<string, unknown>,
  options: SignedRequestOptions,
): Promise<Response> {
  return postSigned(url, JSON.stringify(body), "application/json", options);
}

/** Sends an Events API `event_callback`, signed like Slack signs it, to a Bolt receiver. */
export function sendSignedEvent(
  url: string,
  envelope: {
    event_id: string;
    team_id: string;
    event: Record<string, unknown>;
    /** Slack sets it on every envelope: whether the channel is shared with another organization. */
    is_ext_shared_channel?: boolean;
  },
  options: SignedRequestOptions,
): Promise<Response> {
  const body = JSON.stringify({
    token: "verification-token",
    team_id: envelope.team_id,
    api_app_id: "A0APP",
    type: "event_callback",
    event_id: envelope.event_id,
    event_time: Math.floor(Date.now() / 1000),
    event: envelope.event,
    authorizations: [{ team_id: envelope.team_id, user_id: "U0BOT", is_bot: true }],
    ...(envelope.is_ext_shared_channel === undefined
      ? {}
      : { is_ext_shared_channel: envelope.is_ext_shared_channel }),
  });
  return postSigned(url, body, "application/json", options);
}

/** Sends an interactivity payload (block_actions, view_submission) as Slack does: form-encoded and signed. */
export function sendSignedInteraction(
  url: string,
  payload: Record<string, unknown>,
  options: SignedRequestOptions,
): Promise<Response> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSigned(url, body, "application/x-www-form-urlencoded", options);
}
