import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { sessionActivity } from "../../src/domain/session-activity.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../fakes/fake-slack-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { briefOf, createTestRuntime, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { channel, type Harness, startHarness } from "./support/harness.ts";

const owner = "U0OWNER";

describe("sessionActivity", () => {
  it("puts a person's pending decision first, then live agents, then the supervisor's failure", () => {
    const idle = { role: "supervisor" as const, status: "idle" as const };
    expect(sessionActivity([idle], 0)).toBe("finished");
    expect(sessionActivity([idle, { role: "worker", status: "done" }], 0)).toBe("finished");
    expect(sessionActivity([idle, { role: "worker", status: "running" }], 0)).toBe("working");
    expect(sessionActivity([{ role: "supervisor", status: "queued" }], 0)).toBe("working");
    expect(sessionActivity([idle, { role: "worker", status: "waiting" }], 1)).toBe("waiting for you");
    expect(sessionActivity([{ role: "supervisor", status: "failed" }], 0)).toBe("failed");
    expect(sessionActivity([idle, { role: "worker", status: "cancelled" }], 0, "closed")).toBe("stopped");
    expect(sessionActivity([idle, { role: "worker", status: "running" }], 0, "closed")).toBe("working");
  });
});

describe.each(backends)("App Home with the real runtime (%s)", (backend) => {
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  let runtime: Runtime;
  let harness: Harness;
  const held = Promise.withResolvers<void>();

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    llm = await startFakeLlmServer();
    llm.respondWith((request) => {
      const first = request.messages[0]?.text ?? "";
      if (isSupervisorRequest(request)) {
        if (first.includes("slow")) return held.promise.then(() => textResponse("Slow answer."));
        if (first.includes("ask") && request.turnIndex === 0) {
          return toolCallResponse([
            { name: "spawn_agent", input: { title: "Asker", brief: "ask: a question" } },
          ]);
        }
        return textResponse(first.includes("ask") ? "Started one agent." : "Done.");
      }
      if (briefOf(request).startsWith("ask")) {
        return toolCallResponse([
          { name: "ask_user", input: { question: "Which one?", choices: ["a", "b"] } },
        ]);
      }
      return textResponse("ok");
    });
    fake = await FakeSlackServer.start();
    runtime = createTestRuntime({ handle, anthropicBaseUrl: llm.anthropicBaseUrl });
    harness = await startHarness({ runtime, fake, store: createDatabaseSlackStore(handle.db) });
    await runtime.start();
  });
  afterAll(async () => {
    held.resolve();
    await harness?.stop();
    await runtime?.stop();
    await fake?.close();
    await llm?.close();
    await handle?.close();
  });

  it("shows a finished session as finished, one waiting on a question as waiting, one mid-turn as working, a stopped one as stopped", async () => {
    const mention = (eventId: string, ts: string, text: string) =>
      harness.event(eventId, {
        type: "app_mention",
        user: owner,
        text: `<@${fake.botUserId}> ${text}`,
        ts,
        channel,
      });
    await mention("EvQuick", "1700100000.000100", "quick question");
    await mention("EvAsk", "1700100001.000100", "ask me something");
    await mention("EvSlow", "1700100002.000100", "slow thinking");
    await mention("EvStopped", "1700100003.000100", "stop me later");
    await fake.waitFor(
      () => fake.threadMessages(channel, "1700100000.000100").some((message) => message.text === "Done."),
      15_000,
    );
    await fake.waitFor(
      () =>
        fake
          .threadMessages(channel, "1700100001.000100")
          .some((message) => message.text.startsWith("Asker asks:")),
      15_000,
    );
    await fake.waitFor(
      () => llm.requests.some((request) => request.messages[0]?.text.includes("slow")),
      15_000,
    );
    await fake.waitFor(
      () => fake.threadMessages(channel, "1700100003.000100").some((message) => message.text === "Done."),
      15_000,
    );
    // The owner stops the session (the Stop button): it reads stopped, not finished.
    const stopped = await runtime.findSession({
      surface: "slack",
      conversationKey: `${fake.teamId}:${channel}:1700100003.000100`,
    });
    await runtime.handle({ type: "cancel", sessionId: stopped?.id ?? "", userId: owner });
    // The quick session's supervisor has gone idle once its "thinking" status is cleared.
    await fake.waitFor(
      () =>
        fake
          .callsTo("assistant.threads.setStatus")
          .some((call) => call.params.thread_ts === "1700100000.000100" && call.params.status === ""),
      15_000,
    );

    await harness.event("EvHomeActivity", {
      type: "app_home_opened",
      user: owner,
      channel: "D0HOME",
      tab: "home",
      event_ts: "2.0",
    });
    const publish = await fake.waitFor(() => fake.callsTo("views.publish").at(-1), 10_000);
    const lines = (publish.params.view as { blocks: { text?: { text?: string } }[] }).blocks
      .map((block) => block.text?.text ?? "")
      .filter((text) => text.includes("\n"));
    const lineOf = (title: string) => lines.find((line) => line.includes(title)) ?? "";
    expect(lineOf("quick question")).toMatch(/\nfinished · /);
    expect(lineOf("ask me something")).toMatch(/\nwaiting for you · /);
    expect(lineOf("slow thinking")).toMatch(/\nworking · /);
    expect(lineOf("stop me later")).toMatch(/\nstopped · /);
    expect(lines.join("\n")).not.toContain("active");
  });
});
