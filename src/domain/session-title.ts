import { redactSecrets } from "./secret-redaction.ts";
import { oneLine, truncate } from "./text.ts";

/** The longest session title: every surface can show it (Slack's agent sessions allow no more). */
export const maximumSessionTitleLength = 200;

/** A title as stored with the session: one line, secrets redacted, at most 200 characters. */
export function storedSessionTitle(text: string): string {
  return truncate(oneLine(redactSecrets(text)).replace(/\s+/g, " ").trim(), maximumSessionTitleLength);
}
