import { describe, expect, it } from "vitest";
import { channel } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";
import { owner, useSlackSurface } from "./support/slack-surface-per-test.ts";

describe("the App Home", () => {
  const slack = useSlackSurface();

  it("publishes the App Home with recent sessions and suggests prompts on the Messages tab", async () => {
    const runtime = new ScriptedRuntime();
    const { harness: current, fake, threadTs } = await slack.startSession(runtime);
    await current.event("EvHome", {
      type: "app_home_opened",
      user: owner,
      channel: "D0HOME",
      tab: "home",
      event_ts: "1.0",
    });
    const publish = await fake.waitFor(() => fake.callsTo("views.publish")[0]);
    expect(publish.params.user_id).toBe(owner);
    const home = JSON.stringify(publish.params.view);
    expect(home).toContain('"type":"home"');
    expect(home).toContain("work");
    expect(home).toContain(
      `https://threadwork-test.slack.com/archives/${channel}/p${threadTs.replace(".", "")}`,
    );
    expect(home).toContain("active");

    await current.event("EvMessagesTab", {
      type: "app_home_opened",
      user: owner,
      channel: "D0HOME",
      tab: "messages",
      event_ts: "1.1",
    });
    const prompts = await fake.waitFor(() => fake.callsTo("assistant.threads.setSuggestedPrompts")[0]);
    expect(prompts.params.channel_id).toBe("D0HOME");
    expect(Array.isArray(prompts.params.prompts)).toBe(true);
  });
});
