import { SlackApiError } from "../../../adapters/slack/slack-errors.ts";
import type { Logger } from "../../../logger.ts";

/**
 * Answers that mean this workspace (or this app's install) has no code channels: the
 * feature is not enabled, or the app lacks `code_channels:manage`. Sessions stay in their
 * threads then, as without THREADWORK_CODE_CHANNELS.
 */
const notEnabledErrors = new Set([
  "feature_disabled",
  "feature_not_enabled",
  "missing_scope",
  "not_allowed_token_type",
]);

/** Tried again after an hour, in case an admin enables the feature meanwhile. */
const retryAfterMs = 3600 * 1000;

/** Whether code channels can be tried now; says why not once per process, not once per session. */
export class CodeChannelAvailability {
  private unavailableUntil = 0;
  private reported = false;
  private readonly logger: Logger;
  private readonly now: () => Date;

  constructor(logger: Logger, now: () => Date) {
    this.logger = logger;
    this.now = now;
  }

  get available(): boolean {
    return this.now().getTime() >= this.unavailableUntil;
  }

  /** True (and code channels pause) when `error` says the workspace has none. */
  unavailableBecause(error: unknown): boolean {
    if (!(error instanceof SlackApiError) || !notEnabledErrors.has(error.slackError)) return false;
    this.unavailableUntil = this.now().getTime() + retryAfterMs;
    if (!this.reported) {
      this.reported = true;
      this.logger.warn(
        { method: error.method, slackError: error.slackError },
        "Slack code channels are not available to this app in this workspace; sessions stay in their threads",
      );
    }
    return true;
  }
}
