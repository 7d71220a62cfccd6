import { parseArgs } from "node:util";
import { SetupError } from "./setup-error.ts";

export interface SetupOptions {
  /** An app configuration token (xoxe.xoxp-…): creates or updates the app through the manifest API. */
  configToken: string | undefined;
  /** Update this app instead of creating one. */
  appId: string | undefined;
  /** HTTP mode with request URLs under this https URL; Socket Mode when absent. */
  publicUrl: string | undefined;
  botToken: string | undefined;
  appToken: string | undefined;
  signingSecret: string | undefined;
  /** Web API base (SLACK_API_URL), for Slack GovSlack or a fake. */
  apiUrl: string | undefined;
  help: boolean;
}

export const setupUsage = `npm run setup -- [options]

Creates the Slack app from manifest.json, checks its tokens, writes them to .env (values already
there are kept) and runs the doctor.

  --config-token <token>  app configuration token (or SLACK_CONFIG_TOKEN); without one, a link
                          creates the app from the manifest in your browser. Never written to .env.
  --app-id <A…>           update this existing app from manifest.json instead of creating one
  --public-url <https://…> HTTP mode: Slack sends events to <url>/slack/events (default: Socket Mode)
  --bot-token <xoxb-…>    the Bot User OAuth Token (or SLACK_BOT_TOKEN; asked for otherwise)
  --app-token <xapp-…>    the app-level token for Socket Mode (or SLACK_APP_TOKEN; asked for otherwise)
  --signing-secret <…>    HTTP mode's signing secret (or SLACK_SIGNING_SECRET; asked for otherwise)
  --help                  this text
`;

const nonEmpty = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/** The command line over the environment; a value given in neither is asked for later. */
export function readSetupOptions(argv: readonly string[], environment: NodeJS.ProcessEnv): SetupOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        "config-token": { type: "string" },
        "app-id": { type: "string" },
        "public-url": { type: "string" },
        "bot-token": { type: "string" },
        "app-token": { type: "string" },
        "signing-secret": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new SetupError(
      "setup_arguments",
      `${(error as Error).message}; npm run setup -- --help lists the options`,
    );
  }
  const text = (name: string) => nonEmpty(values[name] as string | undefined);
  const publicUrl = text("public-url");
  if (publicUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(publicUrl);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== "https:")
      throw new SetupError(
        "setup_public_url",
        `--public-url ${publicUrl} is not an https URL: Slack sends events only to https, e.g. --public-url https://threadwork.example.com`,
      );
  }
  return {
    configToken: text("config-token") ?? nonEmpty(environment.SLACK_CONFIG_TOKEN),
    appId: text("app-id"),
    publicUrl,
    botToken: text("bot-token") ?? nonEmpty(environment.SLACK_BOT_TOKEN),
    appToken: text("app-token") ?? nonEmpty(environment.SLACK_APP_TOKEN),
    signingSecret: text("signing-secret") ?? nonEmpty(environment.SLACK_SIGNING_SECRET),
    apiUrl: nonEmpty(environment.SLACK_API_URL),
    help: values.help === true,
  };
}
