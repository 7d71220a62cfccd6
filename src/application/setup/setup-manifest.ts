import { readFile } from "node:fs/promises";
import path from "node:path";

/** The parts of a Slack app manifest the set-up reads or fills in; the rest passes through. */
export interface AppManifest {
  display_information?: { name?: string };
  features?: {
    bot_user?: { display_name?: string };
    slash_commands?: { command: string; url?: string }[];
    [feature: string]: unknown;
  };
  oauth_config?: { scopes?: { bot?: string[] } };
  settings?: {
    socket_mode_enabled?: boolean;
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
    interactivity?: { is_enabled?: boolean; request_url?: string; message_menu_options_url?: string };
    [setting: string]: unknown;
  };
  [key: string]: unknown;
}

/** The repository's manifest.json. */
export const defaultManifestPath = path.resolve(import.meta.dirname, "../../../manifest.json");

/** Where the Bolt HTTP receiver takes events, interactivity, slash commands and options (slack-receiver.ts). */
export const slackEventsPath = "/slack/events";

export async function readAppManifest(file = defaultManifestPath): Promise<AppManifest> {
  return JSON.parse(await readFile(file, "utf8")) as AppManifest;
}

/**
 * The manifest for one connection mode: Socket Mode (no request URLs), or HTTP with every request
 * URL the manifest has (events, interactivity, options, slash commands) pointed at `publicUrl`.
 */
export function manifestForMode(manifest: AppManifest, publicUrl: string | undefined): AppManifest {
  const copy = structuredClone(manifest);
  copy.settings ??= {};
  const settings = copy.settings;
  if (publicUrl === undefined) {
    settings.socket_mode_enabled = true;
    if (settings.event_subscriptions) delete settings.event_subscriptions.request_url;
    if (settings.interactivity) {
      delete settings.interactivity.request_url;
      delete settings.interactivity.message_menu_options_url;
    }
    for (const command of copy.features?.slash_commands ?? []) delete command.url;
    return copy;
  }
  const requestUrl = `${publicUrl.replace(/\/+$/, "")}${slackEventsPath}`;
  settings.socket_mode_enabled = false;
  if (settings.event_subscriptions) settings.event_subscriptions.request_url = requestUrl;
  if (settings.interactivity?.is_enabled) {
    settings.interactivity.request_url = requestUrl;
    if ("message_menu_options_url" in settings.interactivity)
      settings.interactivity.message_menu_options_url = requestUrl;
  }
  for (const command of copy.features?.slash_commands ?? []) command.url = requestUrl;
  return copy;
}

export function botScopes(manifest: AppManifest): string[] {
  return manifest.oauth_config?.scopes?.bot ?? [];
}

/** The bot's @-name in Slack. */
export function botName(manifest: AppManifest): string {
  return manifest.features?.bot_user?.display_name ?? manifest.display_information?.name ?? "Threadwork";
}

/** Slack's one-click "Create New App → From a manifest" page, filled in with this manifest. */
export function createFromManifestLink(manifest: AppManifest): string {
  return `https://api.slack.com/apps?new_app=1&manifest_json=${encodeURIComponent(JSON.stringify(manifest))}`;
}
