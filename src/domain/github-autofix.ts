/** `autofix off` or `autofix on` at the start of a thread reply (after a mention of the app), else undefined. */
export function autofixToggleOf(text: string): "off" | "on" | undefined {
  const match = /^\s*(?:<@[A-Z0-9]+>\s*)?autofix\s+(off|on)\b/i.exec(text);
  return match?.[1]?.toLowerCase() as "off" | "on" | undefined;
}

/**
 * Whether a failed check starts a fix: the latest `autofix off|on` the session's owner typed in
 * its thread wins, then the repository's setting, then the service's.
 */
export function autofixEnabled(settings: {
  thread: "off" | "on" | undefined;
  repository: "off" | "on" | undefined;
  service: "off" | "on";
}): boolean {
  return (settings.thread ?? settings.repository ?? settings.service) === "on";
}

/** The owner's latest toggle among thread replies, oldest first. */
export function latestAutofixToggle(
  replies: readonly { userId: string | undefined; text: string }[],
  ownerId: string,
): "off" | "on" | undefined {
  let latest: "off" | "on" | undefined;
  for (const reply of replies) {
    if (reply.userId !== ownerId) continue;
    latest = autofixToggleOf(reply.text) ?? latest;
  }
  return latest;
}

const reportLimit = 6000;

/** A check's output for a worker to read: capped, with a note when cut. Redaction and fencing are the caller's. */
export function capFailureReport(text: string, limit = reportLimit): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}\n[… ${text.length - limit} more characters cut]`;
}
