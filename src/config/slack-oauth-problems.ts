type Source = Record<string, string | undefined>;

const oauthVariables = ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"] as const;

function given(source: Source, name: string): boolean {
  return Boolean(source[name]?.trim());
}

/** Whether the environment asks for many workspaces (Slack's OAuth install): any OAuth variable set. */
export function wantsSlackOAuth(source: Source): boolean {
  return oauthVariables.some((name) => given(source, name));
}

/**
 * A partial OAuth set, or one without THREADWORK_ENCRYPTION_KEY, is refused at start: tokens are
 * never stored in clear. A malformed key is refused by its parser.
 */
export function slackOAuthProblems(source: Source): string[] {
  if (!wantsSlackOAuth(source)) return [];
  const problems: string[] = [];
  const missing = oauthVariables.filter((name) => !given(source, name));
  if (missing.length > 0) {
    problems.push(
      `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing: installing into many workspaces needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET (or unset them all for one workspace with SLACK_BOT_TOKEN)`,
    );
  }
  if (!given(source, "THREADWORK_ENCRYPTION_KEY")) {
    problems.push(
      "THREADWORK_ENCRYPTION_KEY is missing: installations' tokens are stored encrypted with it, never in clear, e.g. THREADWORK_ENCRYPTION_KEY=<output of openssl rand -base64 32>",
    );
  }
  return problems;
}
