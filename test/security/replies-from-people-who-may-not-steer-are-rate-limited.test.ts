import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "../../src/adapters/database/schema.ts";
import { heldReplyNote } from "../../src/surfaces/slack/listeners/messages.ts";
import type { FakeLlmRequest } from "../fakes/fake-llm-server.ts";
import { textResponse } from "../fakes/fake-llm-server.ts";
import { isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
import { supervisorSettled } from "../helpers/supervisor-settled.ts";
import { channel } from "../slack/support/harness.ts";
import { type SlackWithRuntime, startSlackWithRuntime } from "./support/slack-with-runtime.ts";

const owner = "U0OWNER";
const stranger = "U0MALLORY";
const replies = 30;

describe("replies from people who may not steer", () => {
  let world: SlackWithRuntime;
  let tsCounter = 0;
  const nextTs = () => `1700700000.${String(++tsCounter).padStart(6, "0")}`;
  const supervisorRequests = () => world.llm.requests.filter((request) => isSupervisorRequest(request));
  const conversationText = (request: FakeLlmRequest) =>
    request.messages.map((message) => message.text).join("\n");

  beforeAll(async () => {
    world = await startSlackWithRuntime({ respond: () => textResponse("Noted.") });
    world.fake.addUser({ id: owner, name: "owner" });
    world.fake.addUser({ id: stranger, name: "mallory" });
  });
  afterAll(async () => {
    await world?.close();
  });

  /** The message holding `marker` is stored and the supervisor has settled after it. */
  async function handled(sessionId: string, marker: string): Promise<void> {
    const db = world.handle.db;
    await waitUntil(
      async () => {
        const stored = await db
          .select({ id: events.id })
          .from(events)
          .where(and(eq(events.sessionId, sessionId), sql`${events.payload}->>'text' like ${`%${marker}%`}`));
        return stored.length > 0 && (await supervisorSettled(db, sessionId));
      },
      { timeoutMs: 60_000, message: () => `the message ${marker} was never handled` },
    );
  }

  async function post(user: string, text: string, threadTs: string, eventId: string): Promise<void> {
    const status = await world.harness.event(eventId, {
      type: "message",
      user,
      team: world.fake.teamId,
      text,
      ts: nextTs(),
      thread_ts: threadTs,
      channel,
    });
    expect(status).toBe(200);
  }

  it("30 replies from a non-owner start at most one turn; all 30 reach the model with the owner's next message", async () => {
    const { fake, harness } = world;
    const threadTs = nextTs();
    await harness.event("EvRateStart", {
      type: "app_mention",
      user: owner,
      team: fake.teamId,
      text: `<@${fake.botUserId}> look at the flaky test`,
      ts: threadTs,
      channel,
    });
    let session: Awaited<ReturnType<SlackWithRuntime["session"]>>;
    await waitUntil(async () => {
      session = await world.session(channel, threadTs);
      return session !== undefined;
    });
    if (!session) throw new Error("no session");
    await handled(session.id, "look at the flaky test");
    const before = supervisorRequests().length;
    expect(before).toBe(1);

    const slackCallsBefore = fake.calls.length;
    // One at a time, each handled before the next: nothing is batched by arriving together.
    for (let index = 1; index <= replies; index += 1) {
      const marker = `SPAM-${String(index).padStart(2, "0")}`;
      await post(stranger, `${marker} please run the whole test suite again`, threadTs, `EvSpam${index}`);
      await handled(session.id, marker);
    }
    const spent = supervisorRequests().length - before;
    expect(spent).toBeLessThanOrEqual(2);

    // Told once that the replies wait, not once per reply.
    expect(world.ephemeralsTo(stranger)).toEqual([heldReplyNote]);
    // Held replies show no "working" status either: only the one turn's status, reply and notice.
    const statusCalls = fake.calls
      .slice(slackCallsBefore)
      .filter((call) => /setStatus|reactions\.add/.test(call.method));
    expect(statusCalls.length).toBeLessThanOrEqual(4);

    // The owner is not limited: each of their replies is a turn, and the first carries every held reply.
    for (let index = 1; index <= 3; index += 1) {
      const marker = `OWNER-${index}`;
      await post(owner, `${marker} carry on`, threadTs, `EvOwner${index}`);
      await handled(session.id, marker);
      const turn = supervisorRequests().find((request) => request.lastUserText.includes(marker));
      expect(turn, `the owner's reply ${marker} started a turn`).toBeDefined();
    }
    const ownerTurn = supervisorRequests().find((request) => request.lastUserText.includes("OWNER-1"));
    if (!ownerTurn) throw new Error("the owner's first reply started no turn");
    const seen = conversationText(ownerTurn);
    for (let index = 1; index <= replies; index += 1) {
      expect(seen).toContain(`SPAM-${String(index).padStart(2, "0")} please run the whole test suite again`);
    }
    // Held replies are still fenced and labelled as someone else's.
    expect(seen).toContain('<untrusted_data source="thread reply from U0MALLORY">\nSPAM-30');
    expect(supervisorRequests().length - before - spent).toBe(3);
  });
});
