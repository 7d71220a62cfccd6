import { describe, expect, it } from "vitest";
import { channel } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";
import { owner, useSlackSurface } from "./support/slack-surface-per-test.ts";

describe("a runtime that cannot take a message", () => {
  const slack = useSlackSurface();

  it("tells the user when the runtime cannot take a message", async () => {
    const runtime = new ScriptedRuntime();
    runtime.handle = async () => {
      throw new Error("database unreachable");
    };
    const harness = await slack.start({ runtime });
    const { fake } = harness;
    await harness.event("EvBroken", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> hi`,
      ts: "1700004000.000100",
      channel,
    });
    const notice = await fake.waitFor(() => fake.threadMessages(channel, "1700004000.000100")[0]);
    expect(notice.text).toContain("could not take this message");
    expect(notice.text).not.toContain("database unreachable");
  });
});
