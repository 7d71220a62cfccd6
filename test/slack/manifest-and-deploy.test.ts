import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  eventScopes,
  messageEventConversations,
  methodRules,
  optInScopes,
  scopesFor,
} from "../fakes/slack-method-rules.ts";
import {
  eventsHandledBySource,
  methodsCalledBySource,
  slashCommandsNamedBySource,
} from "./support/source-calls.ts";

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
      "message.channels",
      "message.groups",
      "message.im",
      "message.mpim",
      "reaction_added",
    ]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      "app_mentions:read",
      "assistant:write",
      "channels:history",
      "chat:write",
      "commands",
      "files:read",
      "files:write",
      "groups:history",
      "im:history",
      "im:write",
      "mpim:history",
      "reactions:read",
      "reactions:write",
      "usergroups:read",
      "users:read",
    ]);
  });
});

describe("manifest.json stays in sync with the code", () => {
  const manifest = JSON.parse(read("manifest.json")) as {
    features: Record<string, unknown>;
    oauth_config: { scopes: { bot: string[] } };
    settings: { event_subscriptions: { bot_events: string[] } };
  };
  const events = manifest.settings.event_subscriptions.bot_events;
  const scopes = manifest.oauth_config.scopes.bot;

  it("subscribes to every event a listener handles, and to no other", () => {
    // `message.channels`, `.groups`, `.im` and `.mpim` all reach the one `message` listener.
    const delivered = new Set(events.map((event) => (event.startsWith("message.") ? "message" : event)));
    expect([...delivered].sort()).toEqual(eventsHandledBySource());
  });

  it("uses the agent view's Messages tab, not the assistant events it replaced", () => {
    expect(manifest.features.agent_view).toBeDefined();
    expect(events.filter((event) => event.startsWith("assistant_thread"))).toEqual([]);
    expect(eventsHandledBySource()).toContain("app_home_opened");
  });

  it("asks for a scope every used method and subscribed event needs, and for no other", () => {
    const conversations = events.flatMap((event) => messageEventConversations[event] ?? []);
    const justified = new Set<string>();
    const missing: string[] = [];
    for (const method of methodsCalledBySource()) {
      const rule = methodRules[method];
      expect(rule, `no scope rule for ${method}`).toBeDefined();
      if (!rule) continue;
      for (const type of conversations) {
        const needed = scopesFor(rule, type);
        for (const scope of needed) justified.add(scope);
        // An opt-in feature's scope is added by hand with the feature (code channels).
        if (needed.length > 0 && !needed.some((scope) => scopes.includes(scope) || optInScopes.has(scope)))
          missing.push(`${method}: ${needed}`);
      }
    }
    for (const event of events) {
      const needed = eventScopes[event];
      expect(needed, `no scope rule for event ${event}`).toBeDefined();
      for (const scope of needed ?? []) {
        justified.add(scope);
        if (!scopes.includes(scope)) missing.push(`${event}: ${scope}`);
      }
    }
    // A slash command needs the `commands` scope, and a listener for it in the code.
    const slashCommands = (manifest.features.slash_commands ?? []) as { command: string }[];
    for (const { command } of slashCommands) {
      justified.add("commands");
      if (!scopes.includes("commands")) missing.push(`${command}: commands`);
      expect(slashCommandsNamedBySource(), `no listener for ${command}`).toContain(command);
    }
    expect(missing).toEqual([]);
    expect(scopes.filter((scope) => !justified.has(scope))).toEqual([]);
  });

  it("leaves the opt-in features' scopes out, and the code uses each of them", () => {
    expect(scopes.filter((scope) => optInScopes.has(scope))).toEqual([]);
    const used = new Set(
      methodsCalledBySource().flatMap((method) => {
        const rule = methodRules[method];
        return rule ? [...scopesFor(rule, "public_channel")] : [];
      }),
    );
    expect([...optInScopes].filter((scope) => !used.has(scope))).toEqual([]);
  });

  it("covers group DMs: their messages and their history", () => {
    expect(events).toContain("message.mpim");
    expect(scopes).toContain("mpim:history");
  });
});

function dockerfileInstruction(dockerfile: string, name: string): string[] {
  const line = dockerfile
    .replaceAll("\\\n", " ")
    .split("\n")
    .find((text) => text.startsWith(`${name} `));
  const json = line?.slice(line.indexOf("["));
  return json ? (JSON.parse(json) as string[]) : [];
}

async function runHealthCheck(port: number): Promise<number | null> {
  const command = dockerfileInstruction(read("Dockerfile"), "HEALTHCHECK");
  // The image's `node` is Node 24, as ours is.
  const child = spawn(path.join(root, "node_modules/.bin/node"), command.slice(command.indexOf("node") + 1), {
    env: { PORT: String(port) },
    stdio: "ignore",
  });
  return new Promise((resolve) => child.on("close", resolve));
}

describe("deployment files", () => {
  it("keeps one Fly machine running, checks /healthz and migrates on release", () => {
    const fly = read("fly.toml");
    expect(fly).toMatch(/auto_stop_machines = "off"/);
    expect(fly).toMatch(/min_machines_running = 1/);
    expect(fly).toMatch(/path = "\/healthz"/);
    expect(fly).toMatch(/release_command = "node src\/migrate\.ts"/);
  });

  it("builds on a pinned node:24 slim image (the node devDependency's release) with git and production dependencies only", () => {
    const dockerfile = read("Dockerfile");
    const pinned = /^FROM node:(24\.\d+\.\d+)-slim(@sha256:[0-9a-f]{64})?$/m.exec(dockerfile);
    expect(pinned, "FROM names an exact Node release, not a moving tag").not.toBeNull();
    const devDependency = (JSON.parse(read("package.json")) as { devDependencies: Record<string, string> })
      .devDependencies.node;
    expect(devDependency).toBe(`^${pinned?.[1]}`);
    expect(dockerfile).toMatch(/apt-get install .*\bgit\b/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/CMD \["node", "--liftoff-only", "src\/main\.ts"\]/);
  });

  it("ships bubblewrap for the command sandbox and runs as an unprivileged user", () => {
    const dockerfile = read("Dockerfile");
    expect(dockerfile).toMatch(/apt-get install .*\bbubblewrap\b/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).not.toMatch(/THREADWORK_SANDBOX=off/);
    expect(read("fly.toml")).not.toMatch(/THREADWORK_SANDBOX\s*=\s*"off"/);
  });

  it("runs under tini, which forwards signals and reaps the zombies commands leave", () => {
    const dockerfile = read("Dockerfile");
    expect(dockerfile).toMatch(/apt-get install .*\btini\b/);
    expect(dockerfileInstruction(dockerfile, "ENTRYPOINT")).toEqual(["/usr/bin/tini", "--"]);
  });

  it("has a HEALTHCHECK that passes on /healthz 200 and fails on 503 or silence", async () => {
    const dockerfile = read("Dockerfile");
    expect(dockerfile).toMatch(
      /^HEALTHCHECK --interval=\d+s --timeout=\d+s --start-period=\d+s --retries=\d+ /m,
    );
    let status = 200;
    const paths: string[] = [];
    const server = createServer((request, response) => {
      paths.push(request.url ?? "");
      response.writeHead(status).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await runHealthCheck(port)).toBe(0);
      status = 503;
      expect(await runHealthCheck(port)).toBe(1);
      expect(paths).toEqual(["/healthz", "/healthz"]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(await runHealthCheck(port)).toBe(1);
  });
});
