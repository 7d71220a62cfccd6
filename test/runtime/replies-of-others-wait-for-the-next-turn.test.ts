import { describe, expect, it } from "vitest";
import type { FakeLlmRequest } from "../fakes/fake-llm-server.ts";
import { textResponse } from "../fakes/fake-llm-server.ts";
import { backends } from "../helpers/database.ts";
import { isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
import { supervisorSettled } from "../helpers/supervisor-settled.ts";
import { useTestRuntime } from "../helpers/test-runtime-per-describe.ts";

describe.each(backends)("replies from people other than the owner on %s", (backend) => {
  const world = useTestRuntime(backend, { respond: () => textResponse("Noted.") });
  const key = { surface: "memory", conversationKey: `reply-limits-${backend}` };
  const send = (userId: string, text: string) =>
    world.runtime.handle({ type: "user-message", key, userId, text });
  const supervisorTurns = () => world.server.requests.filter((request) => isSupervisorRequest(request));
  const turnWith = (marker: string) =>
    supervisorTurns().find((request: FakeLlmRequest) => request.lastUserText.includes(marker));
  const settled = async (sessionId: string) => {
    await waitUntil(() => supervisorSettled(world.handle.db, sessionId), { timeoutMs: 60_000 });
  };

  it("start one turn per window, wait for the owner's next one, and never reopen a stopped session", async () => {
    const started = await send("owner", "OWNER-START look at the flaky test");
    if (started.type !== "message-accepted") throw new Error("not accepted");
    const { sessionId } = started;
    await waitUntil(() => turnWith("OWNER-START") !== undefined, { timeoutMs: 60_000 });
    await settled(sessionId);

    expect(await send("mallory", "OTHER-1 try the other branch")).toEqual({
      type: "message-accepted",
      sessionId,
      created: false,
    });
    await waitUntil(() => turnWith("OTHER-1") !== undefined, { timeoutMs: 60_000 });
    await settled(sessionId);
    const turnsBefore = supervisorTurns().length;

    const held = [];
    for (let index = 2; index <= 5; index += 1) held.push(await send("mallory", `OTHER-${index} and again`));
    held.push(await send("trudy", "OTHER-6 me too"));
    expect(held.map((outcome) => outcome.type === "message-accepted" && outcome.held)).toEqual([
      { noticeDue: true },
      { noticeDue: false },
      { noticeDue: false },
      { noticeDue: false },
      { noticeDue: true },
    ]);
    await settled(sessionId);
    expect(supervisorTurns().length).toBe(turnsBefore);

    // The owner stops the session; a reply from someone else does not start it again.
    await world.runtime.handle({ type: "cancel", sessionId, userId: "owner" });
    expect((await world.runtime.getSession(sessionId))?.status).toBe("closed");
    const afterStop = await send("carol", "OTHER-7 wake up");
    expect(afterStop.type === "message-accepted" && afterStop.held).toEqual({ noticeDue: true });
    await settled(sessionId);
    expect((await world.runtime.getSession(sessionId))?.status).toBe("closed");
    expect(supervisorTurns().length).toBe(turnsBefore);

    // The owner's next message reopens it, and its turn reads every held reply, fenced as data.
    expect(await send("owner", "OWNER-NEXT carry on")).toEqual({
      type: "message-accepted",
      sessionId,
      created: false,
    });
    await waitUntil(() => turnWith("OWNER-NEXT") !== undefined, { timeoutMs: 60_000 });
    const turn = turnWith("OWNER-NEXT");
    for (let index = 2; index <= 7; index += 1) expect(turn?.lastUserText).toContain(`OTHER-${index} `);
    expect(turn?.lastUserText).toContain('<untrusted_data source="thread reply from trudy">\nOTHER-6 me too');
    expect(turn?.lastUserText.endsWith("Message from the session owner owner:\nOWNER-NEXT carry on")).toBe(
      true,
    );
    await settled(sessionId);
    expect(supervisorTurns().length).toBe(turnsBefore + 1);
    expect((await world.runtime.getSession(sessionId))?.status).toBe("active");
  });
});
