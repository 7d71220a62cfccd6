import { sendSignedEvent } from "../../test/fakes/slack-signing.ts";

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
  const started = performance.now();
  try {
    const response = await sendSignedEvent(
      options.url,
      { event_id: options.eventId, team_id: options.teamId, event: options.event },
      {
        signingSecret: options.signingSecret,
        retryNumber: options.retryNumber,
      },
    );
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
