import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

describe("manifest.json", () => {
  const manifest = JSON.parse(read("manifest.json")) as {
    features: Record<string, Record<string, unknown>>;
    oauth_config: { scopes: { bot: string[] } };
    settings: {
      socket_mode_enabled: boolean;
      interactivity: { is_enabled: boolean };
      event_subscriptions: { bot_events: string[] };
    };
  };

  it("defaults to Socket Mode with interactivity, the agent view and an App Home with a messages tab", () => {
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.agent_view?.agent_description).toBeTruthy();
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
  });

  it("subscribes to the events the listeners handle and asks only for the scopes they use", () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([
      "agent_session_stopped",
      "agent_session_title_changed",
      "app_home_opened",
      "app_mention",
      "assistant_thread_started",
      "message.channels",
      "message.groups",
      "message.im",
    ]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      "app_mentions:read",
      "assistant:write",
      "channels:history",
      "chat:write",
      "files:read",
      "groups:history",
      "im:history",
      "reactions:write",
      "usergroups:read",
      "users:read",
    ]);
  });
});

describe("deployment files", () => {
  it("keeps one Fly machine running, checks /healthz and migrates on release", () => {
    const fly = read("fly.toml");
    expect(fly).toMatch(/auto_stop_machines = "off"/);
    expect(fly).toMatch(/min_machines_running = 1/);
    expect(fly).toMatch(/path = "\/healthz"/);
    expect(fly).toMatch(/release_command = "node src\/migrate\.ts"/);
  });

  it("builds on node:24-slim with git and production dependencies only", () => {
    const dockerfile = read("Dockerfile");
    expect(dockerfile).toMatch(/^FROM node:24-slim$/m);
    expect(dockerfile).toMatch(/apt-get install .*\bgit\b/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/CMD \["node", "src\/main\.ts"\]/);
  });

  it("ships bubblewrap for the command sandbox and runs as an unprivileged user", () => {
    const dockerfile = read("Dockerfile");
    expect(dockerfile).toMatch(/apt-get install .*\bbubblewrap\b/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).not.toMatch(/THREADWORK_SANDBOX=off/);
    expect(read("fly.toml")).not.toMatch(/THREADWORK_SANDBOX\s*=\s*"off"/);
  });
});
