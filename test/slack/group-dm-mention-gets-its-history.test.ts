import { afterEach, describe, expect, it } from "vitest";
import type { SurfaceInput } from "../../src/runtime/surface-port.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { type Harness, startHarness } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";

const groupDm = "G0GROUPDM";
const owner = "U0OWNER";

type UserMessage = Extract<SurfaceInput, { type: "user-message" }>;

/** A group DM (`mpim`): its history needs `mpim:history`, its replies arrive as `message.mpim`. */
describe("a mention in a group DM", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  async function mentionMidThread(fake: FakeSlackServer, runtime: ScriptedRuntime, threadTs: string) {
    fake.conversations.set(groupDm, "mpim");
    fake.addUser({ id: "U0ALICE", name: "alice" });
    fake.setThread(groupDm, threadTs, [
      { user: "U0ALICE", text: "Deploys to staging hang since Monday", ts: threadTs },
      {
        user: owner,
        text: `<@${fake.botUserId}> can you look?`,
        ts: "1700008000.000300",
        thread_ts: threadTs,
      },
    ]);
    harness = await startHarness({ runtime, fake });
    await harness.event("EvGroup", {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> can you look?`,
      ts: "1700008000.000300",
      thread_ts: threadTs,
      channel: groupDm,
    });
    await fake.waitFor(() => runtime.inputs.length > 0);
    return runtime.inputs[0] as UserMessage;
  }

  it("gets the thread's history and continues from a plain reply", async () => {
    const fake = await FakeSlackServer.start();
    const runtime = new ScriptedRuntime();
    const threadTs = "1700008000.000100";
    const input = await mentionMidThread(fake, runtime, threadTs);
    expect(input.history).toEqual([
      { author: "alice", userId: "U0ALICE", text: "Deploys to staging hang since Monday" },
    ]);
    await harness?.event("EvGroupReply", {
      type: "message",
      channel_type: "mpim",
      user: owner,
      text: "it is the arm64 runner",
      ts: "1700008000.000400",
      thread_ts: threadTs,
      channel: groupDm,
    });
    await fake.waitFor(() => runtime.inputs.length === 2);
    expect((runtime.inputs[1] as UserMessage).text).toBe("it is the arm64 runner");
    await harness?.stop();
    harness = undefined;
    await fake.close();
  });

  it("gets none without mpim:history, as Slack answers missing_scope", async () => {
    const fake = await FakeSlackServer.start();
    fake.grantedScopes.delete("mpim:history");
    const runtime = new ScriptedRuntime();
    const input = await mentionMidThread(fake, runtime, "1700008100.000100");
    expect(input.history).toBeUndefined();
    expect(fake.callsTo("conversations.replies")[0]?.error).toBe("missing_scope");
    await harness?.stop();
    harness = undefined;
    await fake.close();
  });
});
