import { ThreadworkError } from "../../domain/errors.ts";
import { slackErrorOf } from "./slack-errors.ts";

/** Slack's answers to `auth.test` that mean the bot token itself is wrong, not that Slack is away. */
const refusals = new Set([
  "invalid_auth",
  "not_authed",
  "token_revoked",
  "token_expired",
  "account_inactive",
]);

/** What to do when Slack refuses the bot token: the doctor's fix, and the start's. */
export const botTokenFix =
  "copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page into SLACK_BOT_TOKEN";

export function isBotTokenRefusal(reason: string): boolean {
  return refusals.has(reason);
}

/** Start-up stopped because Slack refused the bot token: one line, as `npm run doctor` puts it. */
export class BotTokenRefusedError extends ThreadworkError {
  constructor(reason: string, cause: unknown) {
    super(
      "slack_token_refused",
      `Slack bot token: auth.test failed: ${reason}; fix: ${botTokenFix} (npm run doctor checks every setting)`,
      { category: "user", cause, details: { reason } },
    );
    this.name = "BotTokenRefusedError";
  }
}

/** The error to stop start-up with when Slack's `auth.test` failed: a refused token says so in one line. */
export function botTokenFailure(error: unknown): unknown {
  const reason = slackErrorOf(error);
  return isBotTokenRefusal(reason) ? new BotTokenRefusedError(reason, error) : error;
}
