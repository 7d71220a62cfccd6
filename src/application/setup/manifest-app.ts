import { SetupError } from "./setup-error.ts";
import type { AppManifest } from "./setup-manifest.ts";
import type { SlackAnswer, SlackCaller } from "./setup-slack-call.ts";

/** What Slack answers when it creates an app (apps.manifest.create). */
export interface CreatedApp {
  appId: string;
  /** Where a workspace admin installs the app and Slack issues its bot token. */
  installUrl: string | undefined;
  signingSecret: string | undefined;
}

/** `invalid_manifest`'s `errors[]`, one line each: the JSON pointer, then Slack's message. */
function refusal(method: string, answer: SlackAnswer): SetupError {
  if (answer.error === "invalid_manifest") {
    const problems = (answer.errors ?? []).map(
      (problem) => `  ${problem.pointer ?? "/"}: ${problem.message ?? "invalid"}`,
    );
    return new SetupError(
      "setup_invalid_manifest",
      [
        `Slack refused manifest.json (invalid_manifest, ${method}): fix these, then run npm run setup again`,
        ...problems,
      ].join("\n"),
    );
  }
  const hints: Record<string, string> = {
    invalid_app_id: "check --app-id: it is the A… id on the app's Basic Information page",
    app_not_found: "check --app-id: it is the A… id on the app's Basic Information page",
    missing_scope:
      "use an app configuration token (Your Apps → Your App Configuration Tokens → Generate Token)",
  };
  return new SetupError(
    "setup_manifest_refused",
    `Slack refused ${method}: ${answer.error ?? "unknown_error"}${hints[answer.error ?? ""] ? `: ${hints[answer.error ?? ""]}` : ""}`,
  );
}

function accepted(method: string, answer: SlackAnswer): SlackAnswer {
  if (answer.ok !== true) throw refusal(method, answer);
  return answer;
}

export async function validateManifest(
  slack: SlackCaller,
  manifest: AppManifest,
  appId?: string,
): Promise<void> {
  const method = "apps.manifest.validate";
  accepted(
    method,
    await slack.call(method, { manifest: JSON.stringify(manifest), ...(appId ? { app_id: appId } : {}) }),
  );
}

export async function createApp(slack: SlackCaller, manifest: AppManifest): Promise<CreatedApp> {
  const method = "apps.manifest.create";
  const answer = accepted(method, await slack.call(method, { manifest: JSON.stringify(manifest) }));
  const credentials = answer.credentials as { signing_secret?: string } | undefined;
  if (typeof answer.app_id !== "string")
    throw new SetupError("setup_slack_failed", `Slack answered ${method} without an app_id`);
  return {
    appId: answer.app_id,
    installUrl: typeof answer.oauth_authorize_url === "string" ? answer.oauth_authorize_url : undefined,
    signingSecret: credentials?.signing_secret,
  };
}

/** Replaces an existing app's configuration; says whether its scopes changed (a reinstall is then due). */
export async function updateApp(slack: SlackCaller, manifest: AppManifest, appId: string): Promise<boolean> {
  const method = "apps.manifest.update";
  const answer = accepted(
    method,
    await slack.call(method, { app_id: appId, manifest: JSON.stringify(manifest) }),
  );
  return answer.permissions_updated === true;
}
