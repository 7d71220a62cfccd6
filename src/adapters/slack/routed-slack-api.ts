import type { TeamScope } from "../../domain/team-scope.ts";
import type { BotCredentials, InstallationTokens } from "./installation-tokens.ts";
import type { SlackApi, SlackCallOptions } from "./slack-api.ts";
import { SlackApiError } from "./slack-errors.ts";

/**
 * A call whose installation is unknown: no scope was given, or the app is not (or no longer)
 * installed there. It is never sent with another installation's token.
 */
export class InstallationUnknownError extends SlackApiError {
  readonly teamId: string | undefined;
  constructor(method: string, scope: TeamScope | undefined) {
    super(method, scope ? "not_installed" : "installation_unknown");
    this.name = "InstallationUnknownError";
    this.teamId = scope?.teamId;
  }
}

/** The one key of an installation's scope: its team, inside its organization. */
export function scopeKey(scope: TeamScope): string {
  return `${scope.enterpriseId ?? "-"}:${scope.teamId}`;
}

/** A `SlackApi` whose calls all act for one installation. */
export function scopedSlackApi(api: SlackApi, scope: TeamScope | undefined): SlackApi {
  return {
    call: (method, params, options?: SlackCallOptions) => api.call(method, params, { ...options, scope }),
    ...(api.pending ? { pending: () => api.pending?.() ?? 0 } : {}),
  };
}

export interface RoutedSlackApi extends SlackApi {
  /** The credentials a call for `scope` would use; throws `InstallationUnknownError` when there are none. */
  credentialsFor(scope: TeamScope | undefined, method?: string): Promise<BotCredentials>;
  /** Drops the installation's paced client (after an uninstall); its later calls fail closed. */
  forget(scope: TeamScope): void;
}

/**
 * Calls for many installations: each call names its installation (`options.scope`), whose
 * current bot token (refreshed by `installations` when it rotates) goes with it, paced by that
 * installation's own client, since Slack's rate limits are per workspace. A call without a
 * scope, or for a team with no installation, fails with `InstallationUnknownError`.
 */
export function createRoutedSlackApi(options: {
  installations: InstallationTokens;
  /** A paced client with no token of its own; each call carries its installation's token. */
  createApi: () => SlackApi;
}): RoutedSlackApi {
  const apis = new Map<string, SlackApi>();

  async function credentialsFor(scope: TeamScope | undefined, method = "auth.test"): Promise<BotCredentials> {
    if (!scope) throw new InstallationUnknownError(method, undefined);
    const credentials = await options.installations.botFor(scope);
    if (!credentials) throw new InstallationUnknownError(method, scope);
    return credentials;
  }

  function apiOf(credentials: BotCredentials): SlackApi {
    const key = scopeKey(credentials.scope);
    let api = apis.get(key);
    if (!api) {
      api = options.createApi();
      apis.set(key, api);
    }
    return api;
  }

  return {
    credentialsFor,
    forget(scope) {
      apis.delete(scopeKey(scope));
    },
    pending: () => [...apis.values()].reduce((sum, api) => sum + (api.pending?.() ?? 0), 0),
    async call(method, params, callOptions) {
      const credentials = await credentialsFor(callOptions?.scope, method);
      return apiOf(credentials).call(
        method,
        { ...params, token: credentials.botToken },
        callOptions?.priority ? { priority: callOptions.priority } : {},
      );
    },
  };
}
