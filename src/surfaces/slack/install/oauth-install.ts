import type { App } from "@slack/bolt";
import type { InstallationTokens } from "../../../adapters/slack/installation-tokens.ts";
import type { Logger } from "../../../logger.ts";
import type { RuntimeApi } from "../../../runtime/runtime-api.ts";
import type { PageRoute } from "../page-route.ts";
import { installPages, type OAuthInstallOptions } from "./install-pages.ts";
import { type InstallationLifecycle, register } from "./installation-lifecycle.ts";

/** OAuth mode as the Slack surface is given it: the installer's pages and what ends an installation. */
export interface SurfaceOAuthInstall extends OAuthInstallOptions {
  openSessions: InstallationLifecycle["openSessions"];
}

/** The install pages, and `app_uninstalled`/`tokens_revoked` listeners when the installations are given. */
export function setUpOAuthInstall(
  app: App,
  options: {
    install: SurfaceOAuthInstall;
    installations: InstallationTokens | undefined;
    apiUrl: string | undefined;
    runtime: RuntimeApi;
    logger: Logger;
    track(work: Promise<unknown>): Promise<void>;
  },
): Record<string, PageRoute> {
  const { install, installations, logger } = options;
  if (installations) {
    register(app, {
      lifecycle: {
        installations,
        openSessions: install.openSessions,
        ...(install.audit ? { audit: install.audit } : {}),
      },
      runtime: options.runtime,
      logger,
      track: options.track,
    });
  }
  return installPages({ ...install, apiUrl: options.apiUrl, logger });
}
