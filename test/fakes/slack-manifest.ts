import { readFileSync } from "node:fs";
import path from "node:path";

export interface AppManifest {
  features: Record<string, Record<string, unknown>>;
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    socket_mode_enabled: boolean;
    interactivity: { is_enabled: boolean };
    event_subscriptions: { bot_events: string[] };
  };
}

/** The repository's `manifest.json`: what a real install grants and subscribes to. */
export function readManifest(): AppManifest {
  const file = path.resolve(import.meta.dirname, "../../manifest.json");
  return JSON.parse(readFileSync(file, "utf8")) as AppManifest;
}
