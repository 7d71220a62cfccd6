import { afterEach } from "vitest";
import type { SlackStore } from "../../../src/surfaces/slack/slack-store.ts";
import type { FakeSlackServer } from "../../fakes/fake-slack-server.ts";
import { channel, type Harness, startHarness } from "./harness.ts";
import type { ScriptedRuntime } from "./scripted-runtime.ts";

export const owner = "U0OWNER";
export const approver = "U0LEAD";
export const stranger = "U0STRANGER";

type HarnessOptions = Parameters<typeof startHarness>[0];

export interface SlackSession {
  harness: Harness;
  fake: FakeSlackServer;
  sessionId: string;
  threadTs: string;
}

/** Slack surfaces for the tests of the enclosing `describe`; the one a test started last is stopped after it. */
export function useSlackSurface() {
  let current: Harness | undefined;
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });

  async function start(options: HarnessOptions): Promise<Harness> {
    current = await startHarness(options);
    return current;
  }

  /** Starts a surface on `runtime` and opens a session: the owner mentions the bot with "work". */
  async function startSession(
    runtime: ScriptedRuntime,
    options: { boardIntervalMs?: number; store?: SlackStore; fake?: FakeSlackServer } = {},
  ): Promise<SlackSession> {
    const harness = await start({ runtime, ...options });
    const threadTs = "1700002000.000100";
    await harness.event("EvStart", {
      type: "app_mention",
      user: owner,
      text: `<@${harness.fake.botUserId}> work`,
      ts: threadTs,
      channel,
    });
    await harness.fake.waitFor(() => runtime.sessions.size === 1);
    const sessionId = [...runtime.sessions.keys()][0] ?? "";
    return { harness, fake: harness.fake, sessionId, threadTs };
  }

  return { start, startSession };
}
