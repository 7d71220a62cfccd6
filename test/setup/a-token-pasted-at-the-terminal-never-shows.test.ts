import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { startSetupAtBotTokenPrompt } from "../helpers/setup-terminal.ts";
import { scaled } from "../helpers/time-scale.ts";
import type { TmuxTerminal } from "../helpers/tmux-terminal.ts";
import { temporaryDirectory } from "../workspace/repository-fixtures.ts";

describe("npm run setup at a terminal", () => {
  let fake: FakeSlackServer;
  let directory: { path: string; remove: () => Promise<void> };
  let interrupted: { path: string; remove: () => Promise<void> };
  let terminal: TmuxTerminal | undefined;

  beforeAll(async () => {
    fake = await FakeSlackServer.start("xoxb-pasted-secret-bot-token");
    directory = await temporaryDirectory("setup-terminal");
    interrupted = await temporaryDirectory("setup-interrupted");
  });
  afterAll(async () => {
    await terminal?.close();
    await fake?.close();
    await directory?.remove();
    await interrupted?.remove();
  });

  it("never shows a pasted token on the screen", { timeout: scaled(120_000) }, async () => {
    terminal = await startSetupAtBotTokenPrompt(directory.path, {
      SLACK_API_URL: fake.apiUrl,
      SLACK_CONFIG_TOKEN: fake.appManifests.configToken,
    });
    await terminal.type(fake.botToken);
    await terminal.press("Enter");
    await terminal.waitForScreen((screen) => screen.includes("App-level token (xapp-…):"), {
      what: "the app token prompt",
    });
    await terminal.type(fake.appToken);
    await terminal.press("Enter");
    await terminal.waitForExit(60_000);
    const screen = await terminal.screen();
    expect(screen).toContain("✓ The bot token works as @threadwork");
    expect(screen).toContain("wrote SLACK_BOT_TOKEN, SLACK_APP_TOKEN");
    expect(screen).not.toContain("pasted-secret");
    expect(screen).not.toContain(fake.appToken);
    expect(screen).not.toContain(fake.appManifests.configToken);
  });

  it("stops at Ctrl-C while it waits for a token, exiting 130 with nothing written", {
    timeout: scaled(120_000),
  }, async () => {
    await terminal?.close();
    terminal = await startSetupAtBotTokenPrompt(interrupted.path, { SLACK_API_URL: fake.apiUrl });
    await terminal.type("xoxb-half-pasted");
    await terminal.press("C-c");
    expect(await terminal.waitForExit(30_000)).toBe(130);
    const screen = await terminal.screen();
    expect(screen).toContain("✗ Stopped (Ctrl-C) before .env was written");
    expect(screen).not.toContain("half-pasted");
    expect(existsSync(join(interrupted.path, ".env"))).toBe(false);
  });
});
