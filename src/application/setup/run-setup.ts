import path from "node:path";
import type { Readable, Writable } from "node:stream";
import type { Config } from "../../config/config.ts";
import { readConfigFile } from "../../config/config-file.ts";
import { loadConfig } from "../../config/load-config.ts";
import { ConfigurationError } from "../../domain/errors.ts";
import { redactSecrets } from "../../logger.ts";
import { type DoctorCheck, formatChecklist } from "../doctor/doctor-check.ts";
import { checkBotToken } from "./bot-token-check.ts";
import { mergeEnvFile } from "./env-file.ts";
import { type CreatedApp, createApp, updateApp, validateManifest } from "./manifest-app.ts";
import { createLinePrompt, type LinePrompt } from "./prompt-lines.ts";
import { SetupError } from "./setup-error.ts";
import {
  type AppManifest,
  botName,
  botScopes,
  createFromManifestLink,
  manifestForMode,
  readAppManifest,
  slackEventsPath,
} from "./setup-manifest.ts";
import type { SetupOptions } from "./setup-options.ts";
import { createSlackCaller } from "./setup-slack-call.ts";

export interface SetupContext {
  options: SetupOptions;
  /** The environment the doctor reads, with what the set-up writes to .env laid over it. */
  environment: NodeJS.ProcessEnv;
  /** Where .env and threadwork.config.json are. */
  directory: string;
  input: Readable & { isTTY?: boolean };
  output: Writable;
  manifestFile?: string;
  doctor: (config: Config) => Promise<DoctorCheck[]>;
  /** How a 429's Retry-After is waited out; real seconds by default. */
  wait?: (seconds: number) => Promise<void>;
}

const configTokenFix =
  "generate a new one under api.slack.com/apps → Your App Configuration Tokens (they expire after 12 hours) and pass it with --config-token or SLACK_CONFIG_TOKEN";
const botTokenFix =
  "copy the Bot User OAuth Token (xoxb-…) again from the app's OAuth & Permissions page; install the app first if the page shows none";

async function createOrUpdate(
  context: SetupContext,
  configToken: string,
  manifest: AppManifest,
): Promise<CreatedApp> {
  const { options, output } = context;
  const slack = createSlackCaller({
    token: configToken,
    apiUrl: options.apiUrl,
    tokenName: "the app configuration token",
    tokenFix: configTokenFix,
    ...(context.wait ? { wait: context.wait } : {}),
    onWait: (method, seconds) => output.write(`… Slack asked to wait ${seconds} s before ${method} again\n`),
  });
  await validateManifest(slack, manifest, options.appId);
  output.write("✓ manifest.json is valid\n");
  if (options.appId) {
    const rescoped = await updateApp(slack, manifest, options.appId);
    output.write(`✓ Updated app ${options.appId} from manifest.json\n`);
    if (rescoped) output.write("! Its scopes changed: reinstall the app so the bot token gets them\n");
    return {
      appId: options.appId,
      installUrl: `https://api.slack.com/apps/${options.appId}/install-on-team`,
      signingSecret: undefined,
    };
  }
  const created = await createApp(slack, manifest);
  output.write(`✓ Created app ${created.appId}: https://api.slack.com/apps/${created.appId}\n`);
  return created;
}

async function required(
  prompt: LinePrompt,
  given: string | undefined,
  question: string,
  setting: { variable: string; flag: string; prefix?: string },
): Promise<string> {
  const value = given ?? (await prompt.ask(question));
  if (!value)
    throw new SetupError(
      "setup_missing_value",
      `No ${setting.variable} was given: paste it when asked, or pass ${setting.flag} or set ${setting.variable}`,
    );
  if (setting.prefix && !value.startsWith(setting.prefix))
    throw new SetupError(
      "setup_wrong_token",
      `${setting.variable} must start with ${setting.prefix} (what was given does not): copy it again from the app's page`,
    );
  return value;
}

function nextSteps(manifest: AppManifest): string {
  const name = botName(manifest);
  return [
    "",
    "Threadwork is set up. Next:",
    "  1. npm start                (leave it running)",
    `  2. In a Slack channel:      /invite @${name}`,
    `  3. Then mention it there:   @${name} what can you do?`,
    "",
  ].join("\n");
}

async function runDoctorOn(context: SetupContext, written: Record<string, string>): Promise<boolean> {
  const environment = { ...context.environment, ...written };
  let config: Config;
  try {
    config = loadConfig(environment, ["provider", "slack"], {
      file: readConfigFile(environment, context.directory),
    });
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    context.output.write(
      `\n${redactSecrets(error.message)}\n✗ Doctor: set the settings above in .env (see .env.example), then run npm run doctor\n`,
    );
    return false;
  }
  const checks = await context.doctor(config);
  context.output.write(`\n${formatChecklist(checks)}`);
  return !checks.some((check) => check.status === "problem");
}

async function setUp(context: SetupContext, prompt: LinePrompt): Promise<boolean> {
  const { options, output } = context;
  const manifest = manifestForMode(await readAppManifest(context.manifestFile), options.publicUrl);
  output.write(
    options.publicUrl
      ? `HTTP mode: Slack will send events and interactions to ${options.publicUrl.replace(/\/+$/, "")}${slackEventsPath}\n`
      : "Socket Mode: Threadwork connects out to Slack, so it needs no public URL (--public-url https://… for HTTP mode)\n",
  );
  const created = await appFromManifest(context, manifest);
  output.write("Then copy the Bot User OAuth Token from OAuth & Permissions.\n");
  const { botToken, scopesOk } = await askBotToken(context, prompt, manifest);
  const values: Record<string, string> = {
    SLACK_BOT_TOKEN: botToken,
    ...(await askConnectionSecret(context, prompt, created)),
  };
  if (options.publicUrl && context.environment.SLACK_APP_TOKEN?.trim())
    output.write(
      "! SLACK_APP_TOKEN is set, so npm start would use Socket Mode: remove it (from .env too) for HTTP mode\n",
    );
  const written = await writeEnv(context, values);
  const healthy = await runDoctorOn(context, written);
  if (healthy && scopesOk) output.write(nextSteps(manifest));
  else output.write("\nFix what is marked ✗ above, then run npm run doctor (or npm run setup again).\n");
  return healthy && scopesOk;
}

/** The app created or updated with the configuration token, or, without one, how to create it by hand. */
async function appFromManifest(
  context: SetupContext,
  manifest: AppManifest,
): Promise<CreatedApp | undefined> {
  const { options, output } = context;
  if (!options.configToken) {
    output.write(
      `\nCreate the app from manifest.json (pick your workspace, then Next and Create):\n${createFromManifestLink(manifest)}\nThen click Install to Workspace and Allow.\n`,
    );
    return undefined;
  }
  const created = await createOrUpdate(context, options.configToken, manifest);
  output.write(
    `\nInstall the app to your workspace: ${created.installUrl ?? `https://api.slack.com/apps/${created.appId}/install-on-team`}\n`,
  );
  return created;
}

/** The bot token, asked for unless given, checked to work; `scopesOk` once it has every scope asked for. */
async function askBotToken(
  context: SetupContext,
  prompt: LinePrompt,
  manifest: AppManifest,
): Promise<{ botToken: string; scopesOk: boolean }> {
  const { options, output } = context;
  const botToken = await required(prompt, options.botToken, "Bot User OAuth Token (xoxb-…): ", {
    variable: "SLACK_BOT_TOKEN",
    flag: "--bot-token",
    prefix: "xoxb-",
  });
  const bot = createSlackCaller({
    token: botToken,
    apiUrl: options.apiUrl,
    tokenName: "the bot token",
    tokenFix: botTokenFix,
    ...(context.wait ? { wait: context.wait } : {}),
  });
  const identity = await checkBotToken(bot, botScopes(manifest));
  output.write(`✓ The bot token works as @${identity.user} in ${identity.team}\n`);
  let scopesOk = true;
  if (!identity.scopesKnown) output.write("! Slack did not say which scopes the bot token has\n");
  else if (identity.missingScopes.length > 0) {
    scopesOk = false;
    output.write(
      `✗ The bot token lacks scopes manifest.json asks for: ${identity.missingScopes.join(", ")}: update the app from manifest.json, reinstall it, then run npm run setup again\n`,
    );
  } else
    output.write(`✓ The bot token has all ${botScopes(manifest).length} scopes manifest.json asks for\n`);
  return { botToken, scopesOk };
}

/** HTTP mode's signing secret, or Socket Mode's app-level token, asked for unless known. */
async function askConnectionSecret(
  context: SetupContext,
  prompt: LinePrompt,
  created: CreatedApp | undefined,
): Promise<Record<string, string>> {
  const { options, output } = context;
  if (options.publicUrl) {
    const secret = await required(
      prompt,
      options.signingSecret ?? created?.signingSecret,
      "Signing Secret (Basic Information → App Credentials): ",
      { variable: "SLACK_SIGNING_SECRET", flag: "--signing-secret" },
    );
    return { SLACK_SIGNING_SECRET: secret };
  }
  const page = created
    ? `https://api.slack.com/apps/${created.appId}/general`
    : "the app's Basic Information page";
  if (!options.appToken)
    output.write(
      `Socket Mode needs an app-level token: on ${page}, App-Level Tokens → Generate, with the scope connections:write.\n`,
    );
  const appToken = await required(prompt, options.appToken, "App-level token (xapp-…): ", {
    variable: "SLACK_APP_TOKEN",
    flag: "--app-token",
    prefix: "xapp-",
  });
  return { SLACK_APP_TOKEN: appToken };
}

/** Merges the values into .env, keeping what is already set there; returns what was written. */
async function writeEnv(
  context: SetupContext,
  values: Record<string, string>,
): Promise<Record<string, string>> {
  const envFile = path.join(context.directory, ".env");
  const changes = await mergeEnvFile(envFile, values);
  const written = Object.fromEntries(changes.written.map((key) => [key, values[key] ?? ""]));
  context.output.write(
    `✓ ${envFile}: ${changes.written.length > 0 ? `wrote ${changes.written.join(", ")}` : "nothing new to write"}${changes.kept.length > 0 ? `; kept ${changes.kept.join(", ")} already set there (delete a line to replace it)` : ""}\n`,
  );
  return written;
}

/**
 * `npm run setup`: from manifest.json to a Slack app, its tokens in .env and a passing doctor.
 * Returns the exit code. Secrets are never printed: not the configuration token, nor what is pasted.
 */
export async function runSetup(context: SetupContext): Promise<number> {
  const prompt = createLinePrompt(context.input, context.output);
  try {
    return (await setUp(context, prompt)) ? 0 : 1;
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    context.output.write(`✗ ${redactSecrets(error.message)}\n`);
    // 128 + SIGINT, as a shell reports a program Ctrl-C stopped.
    return error.code === "setup_interrupted" ? 130 : 1;
  } finally {
    prompt.close();
  }
}
