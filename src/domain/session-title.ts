import { redactSecrets } from "./secret-redaction.ts";
import { neutralizeBroadcasts, oneLine, truncate } from "./slack-blocks/format.ts";

/** Slack's limit for a session title (agents.sessions.setStatus and rename). */
export const maximumSessionTitleLength = 200;

/** A title as stored with the session: one line, secrets redacted, at most 200 characters. */
export function storedSessionTitle(text: string): string {
  return truncate(oneLine(redactSecrets(text)).replace(/\s+/g, " ").trim(), maximumSessionTitleLength);
}

/**
 * A title to show in Slack: as stored, and no mention or link Slack could render live,
 * cut to `maximum`. Empty when nothing is left.
 */
export function shownSessionTitle(text: string, maximum = maximumSessionTitleLength): string {
  const cleaned = storedSessionTitle(neutralizeBroadcasts(text));
  return truncate(cleaned, Math.min(maximum, maximumSessionTitleLength));
}
