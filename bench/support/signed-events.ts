import { createHmac } from "node:crypto";

export interface SignedEventOptions {
  url: string;
  signingSecret: string;
  teamId: string;
  eventId: string;
  event: Record<string, unknown>;
  /** Set on Slack's redeliveries of the same event id. */
  retryNumber?: number;
}

/** Posts an Events API callback signed as Slack signs it; resolves with the status and the ack time. */
export async function postSignedEvent(
  options: SignedEventOptions,
): Promise<{ status: number; ms: number; error?: string }> {
  const body = JSON.stringify({
    token: "verification-token",
    team_id: options.teamId,
    api_app_id: "A0APP",
    type: "event_callback",
    event_id: options.eventId,
    event_time: Math.floor(Date.now() / 1000),
    event: options.event,
    authorizations: [{ team_id: options.teamId, user_id: "U0BOT", is_bot: true }],
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac("sha256", options.signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": signature,
  };
  if (options.retryNumber !== undefined) {
    headers["x-slack-retry-num"] = String(options.retryNumber);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  const started = performance.now();
  try {
    const response = await fetch(options.url, { method: "POST", headers, body });
    const ms = performance.now() - started;
    await response.arrayBuffer();
    return { status: response.status, ms };
  } catch (error) {
    // A refused or reset connection is a failed ack, not a crash of the bench.
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return { status: 0, ms: performance.now() - started, error: cause };
  }
}
