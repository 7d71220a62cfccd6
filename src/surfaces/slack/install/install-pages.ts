import {
  type CodedError,
  ErrorCode,
  type Installation,
  type InstallationStore,
  InstallProvider,
} from "@slack/oauth";
import { toBoltLogger } from "../../../adapters/slack/bolt-logger.ts";
import { webClientOptions } from "../../../adapters/slack/slack-api.ts";
import type { SlackOAuthConfig } from "../../../config/config.ts";
import { type AuditRecorder, noAudit } from "../../../domain/audit.ts";
import type { Logger } from "../../../logger.ts";
import type { PageRoute } from "../page-route.ts";
import { completeInstall, refuseInstall } from "./install-outcomes.ts";
import { installPage } from "./install-page-html.ts";
import { asIncomingMessage, RecordedResponse } from "./recorded-response.ts";

/** What the OAuth install needs besides the Slack settings. */
export interface OAuthInstallOptions {
  config: SlackOAuthConfig;
  /** Where installations are kept, sealed (`SealedInstallationStore`). */
  store: InstallationStore;
  /** The bot scopes to ask for: manifest.json's. */
  scopes: string[];
  /** Where installs, uninstalls and revocations are recorded. */
  audit?: AuditRecorder;
  /** When not empty, only these workspaces (`T…`) and organizations (`E…`) may install (THREADWORK_ALLOWED_TEAMS). */
  allowedTeams?: readonly string[];
}

export const installPath = "/slack/install";
export const redirectPath = "/slack/oauth_redirect";

function teamInstalled(installation: Installation) {
  const team = installation.team;
  const name = team?.name ?? team?.id ?? "the workspace";
  return installPage({
    status: 200,
    title: "Threadwork is installed",
    paragraphs: [
      `Threadwork is installed in ${name}. Mention @Threadwork in a channel, or send it a direct message, to start a session.`,
    ],
    links: team
      ? [
          { text: "Open Slack", href: `slack://app?team=${team.id}&id=${installation.appId ?? ""}` },
          { text: "Open Slack in the browser", href: `https://app.slack.com/client/${team.id}` },
        ]
      : [],
  });
}

function orgInstalled(installation: Installation, workspaces: number | undefined) {
  const org = installation.enterprise?.name ?? installation.enterprise?.id ?? "the organization";
  const addUrl = `${installation.enterpriseUrl ?? "https://app.slack.com/"}manage/organization/apps/profile/${installation.appId ?? ""}/workspaces/add`;
  const paragraphs =
    workspaces === 0
      ? [
          `Threadwork is installed for ${org}, but no workspace of the organization has it yet, so nobody can use it.`,
          "Add it to the workspaces that should have it; each one works as soon as it is added.",
        ]
      : [
          `Threadwork is installed for ${org}${workspaces === undefined ? "" : ` and available in ${workspaces} workspace${workspaces === 1 ? "" : "s"}`}.`,
          "Workspaces added to it later work as soon as they are added.",
        ];
  return installPage({
    status: 200,
    title: workspaces === 0 ? "Threadwork is installed: add it to a workspace" : "Threadwork is installed",
    paragraphs,
    links: [{ text: "Add Threadwork to workspaces", href: addUrl }],
  });
}

function notAllowed(installation: Installation) {
  const id = installation.isEnterpriseInstall ? installation.enterprise?.id : installation.team?.id;
  return installPage({
    status: 403,
    title: "Threadwork was not installed",
    paragraphs: [
      `This Threadwork serves only the workspaces its operator lists, and ${id ?? "this workspace"} is not one of them. Ask the operator to add it to THREADWORK_ALLOWED_TEAMS.`,
    ],
  });
}

/** Whether an install may be kept: no list, or its workspace or organization is on it. */
function allowed(installation: Installation, list: readonly string[] | undefined): boolean {
  if (!list || list.length === 0) return true;
  const ids = [installation.team?.id, installation.enterprise?.id].filter((id) => id !== undefined);
  return ids.some((id) => list.includes(id));
}

/** The page after a stored install: where Threadwork now works. */
function installedPage(installation: Installation, workspaces: number | undefined) {
  return installation.isEnterpriseInstall
    ? orgInstalled(installation, workspaces)
    : teamInstalled(installation);
}

function failed(error: CodedError) {
  const refused: string[] = [
    ErrorCode.MissingStateError,
    ErrorCode.InvalidStateError,
    ErrorCode.MissingCodeError,
  ];
  const cancelled = error.code === ErrorCode.AuthorizationError;
  return installPage({
    status: refused.includes(error.code) || cancelled ? 400 : 500,
    title: "Threadwork was not installed",
    paragraphs: [
      cancelled
        ? "The install was cancelled in Slack."
        : refused.includes(error.code)
          ? "This install link expired or was opened in another browser. Start again from the install page."
          : "Slack did not complete the install. Try again; if it fails again, the service's logs say why.",
    ],
    links: [{ text: "Start again", href: installPath }],
  });
}

/**
 * `GET /slack/install` (a page with the Add to Slack link, its state in a cookie) and
 * `GET /slack/oauth_redirect` (checks the state, exchanges the code with `oauth.v2.access`,
 * stores the installation sealed, and answers a page saying where Threadwork now works).
 */
export function installPages(
  options: OAuthInstallOptions & { apiUrl: string | undefined; logger: Logger },
): Record<string, PageRoute> {
  const { config, logger } = options;
  const clientOptions = webClientOptions({ apiUrl: options.apiUrl, logger });
  const outcome = { clientOptions, logger, audit: options.audit ?? noAudit };
  const installer = new InstallProvider({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    stateSecret: config.stateSecret,
    installationStore: options.store,
    installUrlOptions: { scopes: options.scopes },
    clientOptions,
    logger: toBoltLogger(logger),
  });

  return {
    [installPath]: async (request) => {
      const response = new RecordedResponse();
      await installer.handleInstallPath(asIncomingMessage(request), response.asServerResponse());
      return response.answer();
    },
    [redirectPath]: async (request) => {
      const response = new RecordedResponse();
      await installer.handleCallback(asIncomingMessage(request), response.asServerResponse(), {
        afterInstallation: async (installation) => {
          if (allowed(installation as Installation, options.allowedTeams)) return true;
          await refuseInstall(installation as Installation, outcome);
          response.replace(notAllowed(installation as Installation));
          return false;
        },
        successAsync: async (installation) => {
          const workspaces = await completeInstall(installation as Installation, outcome);
          response.replace(installedPage(installation as Installation, workspaces));
        },
        failureAsync: async (error) => {
          logger.warn({ code: error.code, reason: error.message }, "a Slack install did not complete");
          response.replace(failed(error));
        },
      });
      return response.answer();
    },
  };
}
