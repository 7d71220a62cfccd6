/** One problem `invalid_manifest` names: where in the manifest (a JSON pointer) and what. */
interface ManifestProblem {
  pointer: string;
  message: string;
}

interface FakeApp {
  manifest: Record<string, unknown>;
  clientId: string;
}

type Answer = Record<string, unknown>;

function problemsOf(manifest: Record<string, unknown>): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const display = manifest.display_information as { name?: unknown } | undefined;
  if (typeof display?.name !== "string" || display.name.trim() === "")
    problems.push({ pointer: "/display_information/name", message: "Field is required" });
  const settings = (manifest.settings ?? {}) as {
    socket_mode_enabled?: boolean;
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
    interactivity?: { is_enabled?: boolean; request_url?: string };
  };
  const socketMode = settings.socket_mode_enabled === true;
  const events = settings.event_subscriptions;
  if (events && !socketMode && !events.request_url)
    problems.push({
      pointer: "/settings/event_subscriptions",
      message: "Event Subscription requires either Request URL or Socket Mode Enabled",
    });
  if (settings.interactivity?.is_enabled && !socketMode && !settings.interactivity.request_url)
    problems.push({ pointer: "/settings/interactivity", message: "Interactivity requires a Request URL" });
  for (const [pointer, url] of [
    ["/settings/event_subscriptions/request_url", events?.request_url],
    ["/settings/interactivity/request_url", settings.interactivity?.request_url],
  ] as const) {
    if (url !== undefined && !url.startsWith("https://"))
      problems.push({ pointer, message: "Request URL must use https" });
  }
  return problems;
}

/**
 * Slack's App Manifest API (`apps.manifest.validate`, `create`, `update`), called with an app
 * configuration token as docs.slack.dev describes: `invalid_manifest` with `errors[]` pointers,
 * `not_authed` without a token, `invalid_auth` with another, `token_expired` once it has expired
 * (after 12 hours for real), `invalid_app_id` for an app it does not know.
 */
export class FakeAppManifests {
  readonly configToken: string;
  readonly apps = new Map<string, FakeApp>();
  /** Set to answer `token_expired`, as Slack does for a configuration token older than 12 hours. */
  configTokenExpired = false;
  private counter = 0;

  constructor(configToken = "xoxe.xoxp-1-test-config-token") {
    this.configToken = configToken;
  }

  answer(method: string, params: Record<string, unknown>, authorization: string | undefined): Answer {
    const token =
      authorization?.replace(/^Bearer /, "") ?? (typeof params.token === "string" ? params.token : "");
    if (token === "") return { ok: false, error: "not_authed" };
    if (token !== this.configToken) return { ok: false, error: "invalid_auth" };
    if (this.configTokenExpired) return { ok: false, error: "token_expired" };
    const appId = typeof params.app_id === "string" ? params.app_id : undefined;
    if (method === "apps.manifest.update" && appId === undefined)
      return { ok: false, error: "invalid_arguments" };
    if (appId !== undefined && !this.apps.has(appId)) return { ok: false, error: "invalid_app_id" };
    if (typeof params.manifest !== "string") return { ok: false, error: "invalid_arguments" };
    let manifest: Record<string, unknown>;
    try {
      manifest = JSON.parse(params.manifest) as Record<string, unknown>;
    } catch {
      return {
        ok: false,
        error: "invalid_manifest",
        errors: [{ pointer: "/", message: "Manifest is not valid JSON" }],
      };
    }
    const problems = problemsOf(manifest);
    if (problems.length > 0) return { ok: false, error: "invalid_manifest", errors: problems };
    switch (method) {
      case "apps.manifest.validate":
        return { ok: true };
      case "apps.manifest.create":
        return this.create(manifest);
      case "apps.manifest.update": {
        const app = this.apps.get(appId ?? "") as FakeApp;
        const scopes = (value: Record<string, unknown>) =>
          JSON.stringify((value.oauth_config as { scopes?: unknown } | undefined)?.scopes ?? {});
        const permissionsUpdated = scopes(app.manifest) !== scopes(manifest);
        app.manifest = manifest;
        return { ok: true, app_id: appId, permissions_updated: permissionsUpdated };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  private create(manifest: Record<string, unknown>): Answer {
    this.counter += 1;
    const appId = `A0APP${String(this.counter).padStart(4, "0")}`;
    const clientId = `1000000000.${2000000000 + this.counter}`;
    this.apps.set(appId, { manifest, clientId });
    const bot = (manifest.oauth_config as { scopes?: { bot?: string[] } } | undefined)?.scopes?.bot ?? [];
    return {
      ok: true,
      app_id: appId,
      credentials: {
        client_id: clientId,
        client_secret: `client-secret-${this.counter}`,
        verification_token: `verification-${this.counter}`,
        signing_secret: `signing-secret-${this.counter}`,
      },
      oauth_authorize_url: `https://slack.com/oauth/v2/authorize?client_id=${clientId}&scope=${encodeURIComponent(bot.join(","))}`,
      team_id: "T0TEAM",
      team_domain: "threadwork-test",
    };
  }
}
