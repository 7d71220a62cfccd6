import { readFile } from "node:fs/promises";
import path from "node:path";
import { WebClient } from "@slack/web-api";
import { botTokenFix, isBotTokenRefusal } from "../../adapters/slack/bot-token-refused.ts";
import { createSlackWebClient, normalizeApiUrl } from "../../adapters/slack/slack-api.ts";
import { slackErrorOf } from "../../adapters/slack/slack-errors.ts";
import type { Config } from "../../config/config.ts";
import { displayUrl } from "../../domain/display-url.ts";
import type { Logger } from "../../logger.ts";
import { type DoctorCheck, ok, problem, warning } from "./doctor-check.ts";

const manifestPath = path.resolve(import.meta.dirname, "../../../manifest.json");

async function manifestScopes(file: string): Promise<string[]> {
  const manifest = JSON.parse(await readFile(file, "utf8")) as {
    oauth_config?: { scopes?: { bot?: string[] } };
  };
  return manifest.oauth_config?.scopes?.bot ?? [];
}

/**
 * Scopes only one optional setting uses: missing, they matter only when it is set. The rest of
 * manifest.json's scopes are used whatever the settings.
 */
const scopesOfSettings: Record<string, { variable: string; isSet: (config: Config) => boolean }> = {
  "usergroups:read": {
    variable: "THREADWORK_ALLOWED_USERGROUPS",
    isSet: (config) => (config.slack.access?.usergroups.length ?? 0) > 0,
  },
};

const reinstall =
  "add them under OAuth & Permissions → Bot Token Scopes (or update the app from manifest.json), reinstall the app, and set the new SLACK_BOT_TOKEN";

/**
 * The bot token works and was granted every bot scope manifest.json asks for (Slack names the
 * granted scopes in the `x-oauth-scopes` header of any call); in Socket Mode, the app token opens a connection.
 */
export async function checkSlack(
  config: Config,
  options: { logger: Logger; manifest?: string },
): Promise<DoctorCheck[]> {
  const { slack } = config;
  // Many workspaces: each installation holds its own token (checked by check-installations.ts).
  if (!slack.botToken && slack.oauth) return [];
  if (!slack.botToken) {
    return [
      problem(
        "Slack bot token",
        "SLACK_BOT_TOKEN is not set",
        "install the app and set SLACK_BOT_TOKEN=xoxb-…",
      ),
    ];
  }
  const token = await checkBotToken(config, slack.botToken, options.logger);
  if (!token.works) return [token.check];
  const wanted = await manifestScopes(options.manifest ?? manifestPath);
  return [token.check, ...checkScopes(config, wanted, token.granted), ...(await checkConnection(slack))];
}

type Slack = Config["slack"];

/** auth.test with the bot token: who it works as, and the scopes Slack says it was granted. */
async function checkBotToken(
  config: Config,
  botToken: string,
  logger: Logger,
): Promise<
  { works: true; check: DoctorCheck; granted: string[] | undefined } | { works: false; check: DoctorCheck }
> {
  const { slack } = config;
  const client = createSlackWebClient({ botToken, apiUrl: slack.apiUrl, logger });
  try {
    const response = (await client.apiCall("auth.test")) as {
      team?: string;
      team_id?: string;
      user?: string;
      response_metadata?: { scopes?: string[] };
    };
    return {
      works: true,
      granted: response.response_metadata?.scopes,
      check: ok(
        "Slack bot token",
        `works as @${response.user ?? "?"} in ${response.team ?? "?"} (${response.team_id ?? "?"})`,
      ),
    };
  } catch (error) {
    const reason = slackErrorOf(error);
    return {
      works: false,
      check: problem(
        "Slack bot token",
        `auth.test failed: ${reason}`,
        isBotTokenRefusal(reason)
          ? botTokenFix
          : `check that Slack${slack.apiUrl ? ` at SLACK_API_URL (${displayUrl(slack.apiUrl)})` : ""} is reachable from here`,
      ),
    };
  }
}

/** The manifest's scopes against the granted ones; a scope only an unset setting uses is a warning. */
function checkScopes(config: Config, wanted: string[], granted: string[] | undefined): DoctorCheck[] {
  if (granted === undefined) {
    return [problem("Slack bot token scopes", "Slack did not say which scopes the token has", reinstall)];
  }
  const checks: DoctorCheck[] = [];
  const missing = wanted.filter((scope) => !granted.includes(scope));
  const unused = missing.filter((scope) => {
    const setting = scopesOfSettings[scope];
    return setting !== undefined && !setting.isSet(config);
  });
  const needed = missing.filter((scope) => !unused.includes(scope));
  if (missing.length === 0) {
    checks.push(
      ok("Slack bot token scopes", `all ${wanted.length} scopes manifest.json asks for are granted`),
    );
  }
  if (needed.length > 0) {
    checks.push(problem("Slack bot token scopes", `missing ${needed.join(", ")}`, reinstall));
  }
  if (unused.length > 0) {
    const settings = unused.map((scope) => scopesOfSettings[scope]?.variable).join(", ");
    checks.push(
      warning(
        "Slack bot token scopes",
        `missing ${unused.join(", ")}, which only ${settings} needs, and it is not set`,
        `nothing to do until you set ${settings}; then ${reinstall}`,
      ),
    );
  }
  return checks;
}

/** In Socket Mode the app token opens a connection; in HTTP mode a signing secret is set. */
async function checkConnection(slack: Slack): Promise<DoctorCheck[]> {
  if (slack.appToken) return [await checkAppToken(slack, slack.appToken)];
  if (slack.signingSecret) return [];
  return [
    problem(
      "Slack connection",
      "neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is set",
      "set SLACK_APP_TOKEN=xapp-… for Socket Mode, or SLACK_SIGNING_SECRET for HTTP mode",
    ),
  ];
}

async function checkAppToken(slack: Slack, appToken: string): Promise<DoctorCheck> {
  const apiUrl = normalizeApiUrl(slack.apiUrl);
  const appClient = new WebClient(appToken, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
  });
  try {
    await appClient.apiCall("apps.connections.open");
    return ok("Slack app token (Socket Mode)", "opens a Socket Mode connection");
  } catch (error) {
    return problem(
      "Slack app token (Socket Mode)",
      `apps.connections.open failed: ${slackErrorOf(error)}`,
      "generate an app-level token with connections:write under Basic Information → App-Level Tokens and set SLACK_APP_TOKEN; Socket Mode must be on",
    );
  }
}
