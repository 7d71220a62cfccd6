import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import {
  errorResponse,
  type FakeLlmRequest,
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
} from "../fakes/fake-llm-server.ts";
import { FakeSlackServer, realisticSlackDelayMs } from "../fakes/fake-slack-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { createTestRuntime, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { scaled } from "../helpers/time-scale.ts";
import { channel, findButton, type Harness, startHarness } from "./support/harness.ts";

const owner = "U0OWNER";
const stranger = "U0STRANGER";
const failurePrefix = "I could not finish this";

/**
 * A turn that ends without an answer (an empty model turn, a refused request) is said in the
 * thread with a Retry, over a Slack that answers as slowly as the real one. Retry runs the turn
 * again for the owner; anyone else is told no, and nothing runs.
 */
describe("a failed turn offers Retry to whoever may steer the session", () => {
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let fake: FakeSlackServer;
  let runtime: Runtime;
  let harness: Harness;
  /** Supervisor calls per thread, by the first message's text. */
  const calls = new Map<string, number>();

  function respond(request: FakeLlmRequest) {
    if (!isSupervisorRequest(request)) return textResponse("Done.");
    const first = request.messages[0]?.text ?? "";
    const key = first.includes("refused") ? "refused" : "empty";
    const count = (calls.get(key) ?? 0) + 1;
    calls.set(key, count);
    if (count > 1) return textResponse(`Answer after a retry (${key}).`);
    return key === "refused" ? errorResponse(400, { message: "invalid request" }) : {};
  }

  beforeAll(async () => {
    handle = await createTestDatabase("postgres");
    llm = await startFakeLlmServer({ responder: respond });
    fake = await FakeSlackServer.start(undefined, { responseDelayMs: realisticSlackDelayMs });
    fake.agentSessions.enable();
    runtime = createTestRuntime({ handle, anthropicBaseUrl: llm.anthropicBaseUrl });
    harness = await startHarness({ runtime, fake, store: createDatabaseSlackStore(handle.db) });
    await runtime.start();
  });
  afterAll(async () => {
    await harness?.stop();
    await runtime?.stop();
    await fake?.close();
    await llm?.close();
    await handle?.close();
  });

  async function failedTurn(threadTs: string, text: string) {
    await harness.event(`Ev${threadTs}`, {
      type: "app_mention",
      user: owner,
      text: `<@${fake.botUserId}> ${text}`,
      ts: threadTs,
      channel,
    });
    const failure = await fake.waitFor(
      () => fake.latestThreadMessage(channel, threadTs, failurePrefix),
      15_000,
    );
    // Nothing more comes of the turn: the session is not left "processing".
    await fake.waitFor(() => fake.agentSessions.statusOf(channel, threadTs) === "active", 10_000);
    return failure;
  }

  it("says an empty model turn in the thread, refuses a stranger's Retry and runs the owner's", {
    timeout: scaled(60_000),
  }, async () => {
    const threadTs = "1700500000.000100";
    const failure = await failedTurn(threadTs, "answer me please (empty)");
    expect(failure.text).toContain("the model ended its turn without a reply");
    const retry = findButton(failure.blocks, actionIds.retryTurn);
    expect(retry).toBeDefined();
    const click = (user: string) =>
      harness.click({
        user,
        actionId: actionIds.retryTurn,
        value: retry?.value ?? "",
        messageTs: failure.ts,
        threadTs,
      });

    const requestsBefore = llm.requests.length;
    await click(stranger);
    const refusal = await fake.waitFor(() =>
      fake
        .callsTo("chat.postEphemeral")
        .find((call) => call.params.user === stranger && call.params.thread_ts === threadTs),
    );
    expect(String(refusal.params.text)).toContain("Only the person who started this session");
    expect(findButton(failure.blocks, actionIds.retryTurn)).toBeDefined();

    await click(owner);
    // Streamed: the whole text is there once the stream ends.
    await fake.waitFor(
      () => fake.latestThreadMessage(channel, threadTs, "Answer after a retry (empty).")?.text.endsWith(")."),
      15_000,
    );
    // The stranger's click ran nothing; the owner's ran the turn once, with the same message.
    expect(llm.requests.length).toBe(requestsBefore + 1);
    expect(llm.requests.at(-1)?.lastUserText).toContain("answer me please (empty)");
    expect(findButton(failure.blocks, actionIds.retryTurn)).toBeUndefined();
    expect(JSON.stringify(failure.blocks)).toContain(`<@${owner}> asked to run this again`);
    await fake.waitFor(() => fake.agentSessions.statusOf(channel, threadTs) === "active", 10_000);
  });

  it("says a provider's refusal in the thread with a Retry that answers", {
    timeout: scaled(60_000),
  }, async () => {
    const threadTs = "1700500000.000200";
    const failure = await failedTurn(threadTs, "this gets refused");
    const retry = findButton(failure.blocks, actionIds.retryTurn);
    await harness.click({
      user: owner,
      actionId: actionIds.retryTurn,
      value: retry?.value ?? "",
      messageTs: failure.ts,
      threadTs,
    });
    // Streamed: the whole text is there once the stream ends.
    await fake.waitFor(
      () =>
        fake.latestThreadMessage(channel, threadTs, "Answer after a retry (refused).")?.text.endsWith(")."),
      15_000,
    );
  });
});
