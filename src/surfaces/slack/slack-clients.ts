import type { Authorize } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import type { InstallationTokens } from "../../adapters/slack/installation-tokens.ts";
import {
  createRoutedSlackApi,
  type RoutedSlackApi,
  scopedSlackApi,
} from "../../adapters/slack/routed-slack-api.ts";
import {
  createSlackApi,
  createSlackWebClient,
  type SlackApi,
  webClientOptions,
} from "../../adapters/slack/slack-api.ts";
import { createSlackFiles, type SlackFiles } from "../../adapters/slack/slack-files.ts";
import type { Config } from "../../config/config.ts";
import { ConfigurationError } from "../../domain/errors.ts";
import type { TeamScope } from "../../domain/team-scope.ts";
import type { SlackTelemetry } from "../../domain/telemetry-port.ts";
import type { Logger } from "../../logger.ts";

/** How the surface reaches Slack: one bot token, or one installation per team (OAuth). */
export interface SlackClients {
  /** The context's `api`: with many installations every call must name its scope. */
  api: SlackApi;
  apiFor(scope: TeamScope | undefined): SlackApi;
  /** Bolt's credentials: the bot token, or an `authorize` that looks up the event's installation. */
  boltAuthorization: { token: string } | { authorize: Authorize<boolean> };
  /** files.uploadV2 is a WebClient helper (three calls and a POST), not one paced method call. */
  upload: (scope: TeamScope) => Promise<{ client: WebClient; token: string | undefined }>;
  /** Files shared in the single workspace (many installations build theirs per installation). */
  files: SlackFiles;
  /** Present with many installations. */
  router: RoutedSlackApi | undefined;
}

/** Bolt's `authorize`: the installation the event's team (or its organization's org-wide install) has. */
function authorizeWith(installations: InstallationTokens): Authorize<boolean> {
  return async (source) => {
    const teamId = source.teamId;
    if (!teamId) throw new Error("the event names no team");
    const scope = { teamId, enterpriseId: source.enterpriseId || undefined };
    const credentials = await installations.botFor(scope);
    if (!credentials) throw new Error(`the app is not installed for team ${teamId}`);
    return {
      botToken: credentials.botToken,
      ...(credentials.botUserId ? { botUserId: credentials.botUserId } : {}),
      teamId,
      ...(scope.enterpriseId ? { enterpriseId: scope.enterpriseId } : {}),
    };
  };
}

export function createSlackClients(options: {
  config: Config["slack"];
  logger: Logger;
  api: SlackApi | undefined;
  installations: InstallationTokens | undefined;
  telemetry?: SlackTelemetry;
}): SlackClients {
  const { config, logger, installations } = options;
  const settings = { apiUrl: config.apiUrl, logger };
  if (installations) {
    const router = createRoutedSlackApi({
      installations,
      createApi: () =>
        createSlackApi({
          client: new WebClient(undefined, webClientOptions(settings)),
          logger,
          ...(options.telemetry ? { telemetry: options.telemetry } : {}),
        }),
    });
    const uploadClient = new WebClient(undefined, webClientOptions(settings));
    return {
      api: router,
      apiFor: (scope) => scopedSlackApi(router, scope),
      boltAuthorization: { authorize: authorizeWith(installations) },
      upload: async (scope) => ({
        client: uploadClient,
        token: (await router.credentialsFor(scope, "files.uploadV2")).botToken,
      }),
      files: createSlackFiles({
        api: scopedSlackApi(router, undefined),
        botToken: async () => (await router.credentialsFor(undefined, "files.download")).botToken,
        apiUrl: config.apiUrl,
      }),
      router,
    };
  }
  const botToken = config.botToken;
  if (!botToken) throw new ConfigurationError(["SLACK_BOT_TOKEN is missing"]);
  const api =
    options.api ?? createSlackApi({ client: createSlackWebClient({ botToken, ...settings }), logger });
  const uploadClient = createSlackWebClient({ botToken, ...settings });
  return {
    api,
    apiFor: () => api,
    boltAuthorization: { token: botToken },
    upload: async () => ({ client: uploadClient, token: undefined }),
    files: createSlackFiles({ api, botToken, apiUrl: config.apiUrl }),
    router: undefined,
  };
}
