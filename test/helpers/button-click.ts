import { findButton, type Harness } from "../slack/support/harness.ts";

/** Clicks, as `user`, the first button in `message` whose action id starts with `prefix`; returns Bolt's HTTP status. */
export function clickButton(
  harness: Harness,
  options: { user: string; message: { ts: string; blocks: unknown[] }; prefix: string; threadTs: string },
): Promise<number> {
  const button = findButton(options.message.blocks, options.prefix);
  return harness.click({
    user: options.user,
    actionId: button?.action_id ?? "",
    value: button?.value ?? "",
    messageTs: options.message.ts,
    threadTs: options.threadTs,
  });
}
