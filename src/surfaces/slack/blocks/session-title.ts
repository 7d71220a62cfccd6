import { maximumSessionTitleLength, storedSessionTitle } from "../../../domain/session-title.ts";
import { truncate } from "../../../domain/text.ts";
import { neutralizeBroadcasts } from "./format.ts";

/**
 * A title to show in Slack: as stored, and no mention or link Slack could render live,
 * cut to `maximum`. Empty when nothing is left.
 */
export function shownSessionTitle(text: string, maximum = maximumSessionTitleLength): string {
  const cleaned = storedSessionTitle(neutralizeBroadcasts(text));
  return truncate(cleaned, Math.min(maximum, maximumSessionTitleLength));
}
