import { afterEach, describe, expect, it } from "vitest";
import { sleep } from "../helpers/sleep.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

/**
 * Under `agent_view`, `app_home_opened` with `tab: "messages"` replaces `assistant_thread_started`,
 * and suggested prompts sit at the top of the Messages tab: a call naming a thread is dropped.
 */
describe("suggested prompts", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it("are set when the Messages tab opens, for the DM and not a thread", async () => {
    harness = await startHarness({ runtime: new ScriptedRuntime() });
    const { fake } = harness;
    await harness.event("EvTab", {
      type: "app_home_opened",
      user: "U0OWNER",
      channel: "D0OWNER",
      tab: "messages",
      event_ts: "1700009000.000100",
    });
    const call = await fake.waitFor(() => fake.callsTo("assistant.threads.setSuggestedPrompts")[0]);
    expect(call.params.channel_id).toBe("D0OWNER");
    expect(call.params.thread_ts).toBeUndefined();
    expect((call.params.prompts as unknown[]).length).toBeLessThanOrEqual(4);
    // The harness fails the test on stop if the fake saw a call Slack would drop.
  });

  it("are not set from assistant_thread_started, which agent apps no longer get", async () => {
    harness = await startHarness({ runtime: new ScriptedRuntime() });
    const { fake } = harness;
    const status = await harness.event("EvThread", {
      type: "assistant_thread_started",
      assistant_thread: { user_id: "U0OWNER", channel_id: "D0OWNER", thread_ts: "1700009100.000100" },
      event_ts: "1700009100.000200",
    });
    expect(status).toBe(200);
    await sleep(200);
    expect(fake.callsTo("assistant.threads.setSuggestedPrompts")).toEqual([]);
  });
});
