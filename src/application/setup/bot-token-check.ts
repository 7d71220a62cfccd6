import { SetupError } from "./setup-error.ts";
import type { SlackCaller } from "./setup-slack-call.ts";

export interface BotIdentity {
  user: string;
  team: string;
  /** Bot scopes the manifest asks for that the token was not granted. */
  missingScopes: string[];
  /** False when Slack named no scopes (no `x-oauth-scopes` header). */
  scopesKnown: boolean;
}

/** `auth.test` with the bot token; the granted scopes come from its `x-oauth-scopes` header. */
export async function checkBotToken(slack: SlackCaller, wanted: readonly string[]): Promise<BotIdentity> {
  const answer = await slack.call("auth.test");
  if (answer.ok !== true)
    throw new SetupError(
      "setup_slack_failed",
      `Slack refused auth.test for the bot token: ${answer.error ?? "unknown_error"}`,
    );
  const granted = answer.response_metadata?.scopes;
  return {
    user: typeof answer.user === "string" ? answer.user : "?",
    team: typeof answer.team === "string" ? answer.team : "?",
    missingScopes: granted ? wanted.filter((scope) => !granted.includes(scope)) : [],
    scopesKnown: granted !== undefined,
  };
}
