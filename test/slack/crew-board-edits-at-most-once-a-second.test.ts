import { describe, expect, it } from "vitest";
import { sleep } from "../helpers/sleep.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";
import { useSlackSurface } from "./support/slack-surface-per-test.ts";

describe("the crew board", () => {
  const slack = useSlackSurface();

  it("coalesces crew board edits to at most one per second", async () => {
    const runtime = new ScriptedRuntime();
    const { fake, sessionId } = await slack.startSession(runtime, { boardIntervalMs: 1000 });
    const agent = runtime.startAgent(sessionId, "Busy agent");
    const started = Date.now();
    for (let index = 0; index < 25; index += 1) {
      runtime.progress(agent, `step ${index}`);
      await sleep(100);
    }
    await fake.waitFor(() => {
      const board = [...fake.messages.values()].find((message) => message.text.startsWith("Crew:"));
      return board && JSON.stringify(board.blocks).includes("step 24");
    }, 3000);
    const boardCalls = fake.calls.filter(
      (call) =>
        (call.method === "chat.postMessage" || call.method === "chat.update") &&
        String(call.params.text).startsWith("Crew:"),
    );
    const elapsedSeconds = (Date.now() - started) / 1000;
    expect(boardCalls.length).toBeLessThanOrEqual(Math.ceil(elapsedSeconds) + 1);
    for (let index = 1; index < boardCalls.length; index += 1) {
      expect((boardCalls[index]?.at ?? 0) - (boardCalls[index - 1]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    }
  });
});
