import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { eventually } from "../helpers/eventually.ts";
import { briefOf, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { sleep } from "../helpers/sleep.ts";
import { scaled } from "../helpers/time-scale.ts";
import { type SlackWithRuntime, startSlackWithRuntime } from "../security/support/slack-with-runtime.ts";
import { channel } from "./support/harness.ts";

const owner = "U0OWNER";

describe("the results of a piece of work", () => {
  let world: SlackWithRuntime;
  const threadTs = "1701000000.000100";
  let releaseSlow: () => void = () => {};
  const slowReleased = new Promise<void>((resolve) => {
    releaseSlow = resolve;
  });

  beforeAll(async () => {
    world = await startSlackWithRuntime({
      respond: async (request) => {
        if (isSupervisorRequest(request)) {
          if (request.turnIndex === 0) {
            return toolCallResponse([
              { name: "spawn_agent", input: { title: "Fast", brief: "fast: quick look" } },
              { name: "spawn_agent", input: { title: "Slow", brief: "slow: long look" } },
            ]);
          }
          if (request.lastToolResults.length > 0) return textResponse("Started two agents.");
          if (request.lastUserText.includes('agent "Slow"')) return textResponse("All done: both looked.");
          if (request.lastUserText.includes('agent "Fast"')) return textResponse("One of two is done.");
          return textResponse("Noted.");
        }
        // The slow worker finishes only after the supervisor has rested on the fast one's result.
        if (briefOf(request).includes("slow:")) await slowReleased;
        return toolCallResponse([{ name: "finish", input: { summary: "looked" } }]);
      },
    });
    world.fake.addUser({ id: owner, name: "owner" });
  });
  afterAll(async () => {
    releaseSlow();
    await world?.close();
  });

  it("is one message, after the supervisor's summary, listing every agent", async () => {
    const { fake, harness } = world;
    await harness.event("EvTwoWorkers", {
      type: "app_mention",
      user: owner,
      team: fake.teamId,
      text: `<@${fake.botUserId}> look twice`,
      ts: threadTs,
      channel,
    });
    const texts = () => fake.threadMessages(channel, threadTs).map((message) => message.text);
    await eventually(() => texts().some((text) => text.includes("Started two agents.")), {
      timeoutMs: 15_000,
      message: () => JSON.stringify(texts()),
    });
    // The supervisor rested with Fast done and Slow running: a results message for Fast alone
    // went out here, before any summary. Give it time to: a Slow finished while the renderer still
    // lists the agents of that rest would put both results before the summary (a known race, see docs/slack.md).
    await sleep(scaled(2000));
    releaseSlow();
    await eventually(() => texts().some((text) => text.includes("All done: both looked.")), {
      timeoutMs: 15_000,
      message: () => JSON.stringify(texts()),
    });
    await eventually(() => texts().some((text) => text.startsWith("Results:")), { timeoutMs: 15_000 });
    await sleep(scaled(300));
    const all = texts();
    const results = all.filter((text) => text.startsWith("Results:"));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatch(/^Results: 2 agents, /);
    const summary = all.findIndex((text) => text.includes("All done: both looked."));
    expect(all.findIndex((text) => text.startsWith("Results:"))).toBeGreaterThan(summary);
  });
});
