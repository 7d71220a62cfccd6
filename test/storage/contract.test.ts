import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentTitles } from "../../src/adapters/database/agent-titles.ts";
import {
  addAgentUsage,
  advanceAgentStep,
  getAgent,
  insertAgent,
  listAgentsForSession,
  updateAgent,
} from "../../src/adapters/database/agents.ts";
import { contextHistory, readContext, writeContext } from "../../src/adapters/database/context.ts";
import {
  consumeEvents,
  enqueueEvent,
  pendingEventsFor,
  surfaceEventsSince,
} from "../../src/adapters/database/events.ts";
import { migrateDatabase } from "../../src/adapters/database/migrate.ts";
import type { Database, DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { claimInboundEvent, pruneInboundEvents } from "../../src/adapters/database/processed-events.ts";
import {
  addApprovalRule,
  createRequest,
  decideRequest,
  getRequest,
  listApprovalRules,
  listPendingRequests,
} from "../../src/adapters/database/requests.ts";
import {
  createSession,
  deleteSession,
  findSessionByKey,
  getSession,
  listSessionsForOwner,
  updateSession,
} from "../../src/adapters/database/sessions.ts";
import { sessionSharedFiles, sharedFileData } from "../../src/adapters/database/shared-files.ts";
import {
  claimSurfaceMessage,
  getSurfaceMessage,
  saveSurfaceMessage,
} from "../../src/adapters/database/surface-messages.ts";
import { finishToolCall, getToolCall, startToolCall } from "../../src/adapters/database/tool-calls.ts";
import { appendTranscriptMessage, loadTranscript } from "../../src/adapters/database/transcript.ts";
import { recordUsage, sessionUsageTotals } from "../../src/adapters/database/usage.ts";
import { buildApprovalAction } from "../../src/domain/approval-action.ts";
import { StepConflictError } from "../../src/domain/errors.ts";
import type { ChatMessage } from "../../src/domain/messages.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";

const usage = { inputTokens: 100, outputTokens: 20, cacheReadTokens: 50, cacheWriteTokens: 10 };

describe.each(backends)("storage contract on %s", (backend) => {
  let handle: DatabaseHandle;
  let db: Database;

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function newSession(ownerId = "U1") {
    const { session } = await createSession(db, {
      surface: "slack",
      conversationKey: `T1:C1:${randomUUID()}`,
      ownerId,
    });
    return session;
  }

  async function newAgent(sessionId: string, role: "supervisor" | "worker" = "supervisor") {
    return insertAgent(db, {
      sessionId,
      role,
      title: role,
      model: "anthropic:claude-sonnet-5-5",
      status: "queued",
    });
  }

  describe("migrations", () => {
    it("create every table and apply again, even concurrently, without error", async () => {
      await migrateDatabase(handle);
      await Promise.all([migrateDatabase(handle), migrateDatabase(handle)]);
      const result = await db.execute<{ table_name: string }>(
        sql`select table_name from information_schema.tables where table_schema = 'public'`,
      );
      expect(result.rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining([
          "sessions",
          "agents",
          "transcript_messages",
          "events",
          "context_entries",
          "requests",
          "approval_rules",
          "tool_calls",
          "usage_ledger",
          "processed_events",
          "surface_messages",
        ]),
      );
    });
  });

  describe("sessions", () => {
    it("creates a session once per conversation, even when created concurrently", async () => {
      const key = { surface: "slack", conversationKey: `T1:C1:${randomUUID()}` };
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, index) => createSession(db, { ...key, ownerId: `U${index}` })),
      );
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(new Set(results.map((result) => result.session.id)).size).toBe(1);
      const found = await findSessionByKey(db, key.surface, key.conversationKey);
      expect(found?.id).toBe(results[0]?.session.id);
      expect(found?.status).toBe("active");
      expect(found?.metadata).toEqual({});
    });

    it("reads, lists newest first, and updates", async () => {
      const owner = `U-${randomUUID()}`;
      const first = await newSession(owner);
      // PGlite's clock can give two sessions the same created_at; "newest first" needs them apart.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const second = await newSession(owner);
      await newSession("someone-else");
      expect((await getSession(db, first.id))?.conversationKey).toBe(first.conversationKey);
      expect(await getSession(db, "missing")).toBeUndefined();
      const listed = await listSessionsForOwner(db, owner, 10);
      expect(listed.map((session) => session.id)).toEqual([second.id, first.id]);
      expect(await listSessionsForOwner(db, owner, 1)).toHaveLength(1);
      const updated = await updateSession(db, first.id, {
        title: "Fix the build",
        metadata: { channel: "C1" },
      });
      expect(updated?.title).toBe("Fix the build");
      expect(updated?.metadata).toEqual({ channel: "C1" });
      expect(updated?.updatedAt.getTime()).toBeGreaterThanOrEqual(first.updatedAt.getTime());
      expect(await updateSession(db, "missing", { title: "x" })).toBeUndefined();
    });
  });

  describe("agents", () => {
    it("inserts, lists in creation order, updates and adds usage", async () => {
      const session = await newSession();
      const supervisor = await newAgent(session.id);
      const worker = await insertAgent(db, {
        sessionId: session.id,
        parentId: supervisor.id,
        role: "worker",
        title: "Fix tests",
        brief: "Make CI green",
        model: "anthropic:claude-haiku-5-5",
        status: "queued",
        repo: "api",
      });
      expect((await listAgentsForSession(db, session.id)).map((agent) => agent.id)).toEqual([
        supervisor.id,
        worker.id,
      ]);
      expect(worker).toMatchObject({ parentId: supervisor.id, step: 0, costMicros: 0, inputTokens: 0 });

      const running = await updateAgent(db, worker.id, { status: "running", latestProgress: "cloning" });
      expect(running).toMatchObject({ status: "running", latestProgress: "cloning" });

      await addAgentUsage(db, worker.id, usage, 1234);
      const after = await addAgentUsage(db, worker.id, usage, 1000);
      expect(after).toMatchObject({
        inputTokens: 200,
        outputTokens: 40,
        cacheReadTokens: 100,
        cacheWriteTokens: 20,
        costMicros: 2234,
        turns: 2,
      });
      expect((await getAgent(db, worker.id))?.costMicros).toBe(2234);
      expect(await getAgent(db, "missing")).toBeUndefined();
    });

    it("lets only one runner persist a step", async () => {
      const agent = await newAgent((await newSession()).id);
      const outcomes = await Promise.allSettled([
        advanceAgentStep(db, agent.id, 0, { status: "running" }),
        advanceAgentStep(db, agent.id, 0, { status: "running" }),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
      const rejected = outcomes.find((outcome) => outcome.status === "rejected");
      expect(rejected?.status === "rejected" && rejected.reason).toBeInstanceOf(StepConflictError);
      expect((await getAgent(db, agent.id))?.step).toBe(1);
    });

    it("reads the titles of agents across sessions at once, leaving out unknown ids", async () => {
      const first = await newAgent((await newSession()).id);
      const second = await newAgent((await newSession()).id, "worker");
      const titles = await agentTitles(db, [first.id, second.id, first.id, "missing"]);
      expect([...titles.entries()].sort()).toEqual(
        [
          [first.id, "supervisor"],
          [second.id, "worker"],
        ].sort(),
      );
      expect((await agentTitles(db, [])).size).toBe(0);
    });
  });

  describe("transcript", () => {
    it("stores messages in order, once per seq, and round-trips every part", async () => {
      const agent = await newAgent((await newSession()).id);
      const messages: ChatMessage[] = [
        { role: "user", parts: [{ type: "text", text: "Fix the flaky test" }] },
        {
          role: "assistant",
          parts: [
            { type: "thinking", text: "Look first", signature: "sig" },
            { type: "text", text: "Reading it." },
            { type: "tool_call", id: "call-1", name: "read_file", input: { path: "a.ts" } },
          ],
        },
        {
          role: "user",
          parts: [
            {
              type: "tool_result",
              toolCallId: "call-1",
              toolName: "read_file",
              content: "x",
              isError: false,
            },
          ],
        },
      ];
      await appendTranscriptMessage(db, agent.id, 2, messages[2] as ChatMessage);
      await appendTranscriptMessage(db, agent.id, 0, messages[0] as ChatMessage);
      await appendTranscriptMessage(db, agent.id, 1, messages[1] as ChatMessage);
      const again = await appendTranscriptMessage(db, agent.id, 1, {
        role: "assistant",
        parts: [{ type: "text", text: "a replayed step" }],
      });
      expect(again.appended).toBe(false);
      const transcript = await loadTranscript(db, agent.id);
      expect(transcript).toEqual(messages.map((message, seq) => ({ seq, message })));
    });

    it("redacts secrets in user text and tool output, and leaves assistant parts unchanged", async () => {
      const agent = await newAgent((await newSession()).id);
      const slackToken = ["xoxb", "1234567890", "abcdefghij"].join("-");
      const providerKey = ["sk", "ant", "api03", "secretsecretsecret"].join("-");
      await appendTranscriptMessage(db, agent.id, 0, {
        role: "user",
        parts: [{ type: "text", text: `my token is ${slackToken}` }],
      });
      await appendTranscriptMessage(db, agent.id, 1, {
        role: "assistant",
        parts: [
          { type: "thinking", text: "keep me", signature: "sig" },
          { type: "tool_call", id: "call-1", name: "run_command", input: { command: "cat .env" } },
        ],
      });
      await appendTranscriptMessage(db, agent.id, 2, {
        role: "user",
        parts: [
          {
            type: "tool_result",
            toolCallId: "call-1",
            toolName: "run_command",
            content: `ANTHROPIC_API_KEY=${providerKey}\nPORT=3000`,
            isError: false,
          },
        ],
      });
      const stored = JSON.stringify(await loadTranscript(db, agent.id));
      expect(stored).not.toContain(slackToken);
      expect(stored).not.toContain(providerKey);
      expect(stored).toContain("[REDACTED]");
      expect(stored).toContain("PORT=3000");
      expect(stored).toContain('"signature":"sig"');
    });
  });

  describe("events", () => {
    it("keeps a message's shared files once, on its event, and a transcript's image part without bytes", async () => {
      const session = await newSession();
      const supervisor = await newAgent(session.id);
      await enqueueEvent(db, { sessionId: session.id, targetAgentId: supervisor.id, type: "user-message" });
      const image = { id: "F1", name: "a.png", mediaType: "image/png", kind: "image", size: 3, data: "AAEC" };
      const log = { id: "F2", name: "b.log", mediaType: "text/plain", kind: "file", size: 2, data: "b2s=" };
      const shared = await enqueueEvent(db, {
        sessionId: session.id,
        targetAgentId: supervisor.id,
        type: "held-reply",
        payload: { text: "files", attachments: [image, log] },
      });
      expect(await sessionSharedFiles(db, session.id)).toEqual([
        { eventId: shared.id, index: 0, file: image },
        { eventId: shared.id, index: 1, file: log },
      ]);
      expect([...(await sharedFileData(db, [shared.id, shared.id]))]).toEqual([
        [`${shared.id}:0`, "AAEC"],
        [`${shared.id}:1`, "b2s="],
      ]);
      const part = {
        type: "image" as const,
        mediaType: "image/png",
        name: "F1-a.png",
        eventId: shared.id,
        index: 0,
      };
      await appendTranscriptMessage(db, supervisor.id, 0, {
        role: "user",
        parts: [{ ...part, data: "AAEC" }],
      });
      expect((await loadTranscript(db, supervisor.id))[0]?.message.parts).toEqual([part]);
    });

    it("delivers an agent's pending events once and keeps surface events apart", async () => {
      const session = await newSession();
      const supervisor = await newAgent(session.id);
      const worker = await newAgent(session.id, "worker");
      const first = await enqueueEvent(db, {
        sessionId: session.id,
        sourceAgentId: worker.id,
        targetAgentId: supervisor.id,
        type: "agent-finished",
        payload: { summary: "done" },
      });
      const second = await enqueueEvent(db, {
        sessionId: session.id,
        targetAgentId: supervisor.id,
        type: "user-message",
        payload: { text: "hi" },
      });
      const surfaceOne = await enqueueEvent(db, { sessionId: session.id, type: "session-idle" });
      const surfaceTwo = await enqueueEvent(db, {
        sessionId: session.id,
        sourceAgentId: worker.id,
        type: "agent-progress",
      });

      const pending = await pendingEventsFor(db, supervisor.id);
      expect(pending.map((event) => event.id)).toEqual([first.id, second.id]);
      expect(pending[0]?.payload).toEqual({ summary: "done" });
      expect(await pendingEventsFor(db, worker.id)).toEqual([]);

      expect(await consumeEvents(db, [first.id])).toBe(1);
      expect(await consumeEvents(db, [first.id, second.id])).toBe(1);
      expect(await consumeEvents(db, [])).toBe(0);
      expect(await pendingEventsFor(db, supervisor.id)).toEqual([]);

      const since = await surfaceEventsSince(db, session.id, 0);
      expect(since.map((event) => event.id)).toEqual([surfaceOne.id, surfaceTwo.id]);
      expect((await surfaceEventsSince(db, session.id, surfaceOne.id)).map((event) => event.id)).toEqual([
        surfaceTwo.id,
      ]);
    });
  });

  describe("shared context", () => {
    it("versions every write and reads the newest", async () => {
      const session = await newSession();
      const agent = await newAgent(session.id);
      expect(await readContext(db, session.id, "plan")).toBeUndefined();
      expect(await readContext(db, session.id)).toEqual([]);
      const first = await writeContext(db, session.id, "plan", "v1", agent.id);
      const second = await writeContext(db, session.id, "plan", "v2");
      await writeContext(db, session.id, "api", "REST");
      expect([first.version, second.version]).toEqual([1, 2]);
      expect(await readContext(db, session.id, "plan")).toMatchObject({ version: 2, value: "v2" });
      const all = await readContext(db, session.id);
      expect(all.map((entry) => [entry.key, entry.version, entry.value])).toEqual([
        ["api", 1, "REST"],
        ["plan", 2, "v2"],
      ]);
      expect((await contextHistory(db, session.id, "plan")).map((entry) => entry.authorAgentId)).toEqual([
        agent.id,
        null,
      ]);
    });

    it("gives concurrent writers distinct consecutive versions", async () => {
      const session = await newSession();
      const written = await Promise.all(
        Array.from({ length: 10 }, (_, index) => writeContext(db, session.id, "notes", `note ${index}`)),
      );
      expect(written.map((entry) => entry.version).sort((left, right) => left - right)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      ]);
    });
  });

  describe("transactions", () => {
    it("accept a transaction wherever they accept the database, and roll back together", async () => {
      const session = await newSession();
      await expect(
        db.transaction(async (transaction) => {
          const agent = await insertAgent(transaction, {
            sessionId: session.id,
            role: "worker",
            title: "doomed",
            model: "anthropic:claude-haiku-5-5",
            status: "queued",
          });
          await writeContext(transaction, session.id, "plan", "never", agent.id);
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect(await listAgentsForSession(db, session.id)).toEqual([]);
      expect(await readContext(db, session.id)).toEqual([]);
    });

    it("version context writes from concurrent transactions", async () => {
      const session = await newSession();
      const written = await Promise.all(
        Array.from({ length: 4 }, (_, index) =>
          db.transaction((transaction) => writeContext(transaction, session.id, "plan", `draft ${index}`)),
        ),
      );
      expect(written.map((entry) => entry.version).sort((left, right) => left - right)).toEqual([1, 2, 3, 4]);
    });
  });

  describe("requests", () => {
    it("creates one request per tool call and lists pending ones", async () => {
      const session = await newSession();
      const agent = await newAgent(session.id);
      const input = {
        sessionId: session.id,
        agentId: agent.id,
        kind: "approval" as const,
        toolCallId: "call-1",
        prompt: "Run npm install?",
        action: buildApprovalAction({
          tool: "run_command",
          input: { command: "npm install" },
          description: "run npm install",
          repo: null,
          branch: null,
        }),
        pattern: '{"command":"npm install"}',
      };
      const results = await Promise.all([createRequest(db, input), createRequest(db, input)]);
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(results[0]?.request.id).toBe(results[1]?.request.id);
      const question = await createRequest(db, {
        sessionId: session.id,
        agentId: agent.id,
        kind: "question",
        prompt: "Which branch?",
        choices: ["main", "dev"],
      });
      expect(question.created).toBe(true);
      expect(question.request.choices).toEqual(["main", "dev"]);
      expect((await listPendingRequests(db, session.id)).map((request) => request.id)).toEqual([
        results[0]?.request.id,
        question.request.id,
      ]);
    });

    it("decides a request once, whoever clicks second", async () => {
      const session = await newSession();
      const agent = await newAgent(session.id);
      const { request } = await createRequest(db, {
        sessionId: session.id,
        agentId: agent.id,
        kind: "approval",
        toolCallId: "call-2",
        prompt: "Push?",
      });
      const outcomes = await Promise.all([
        decideRequest(db, request.id, { status: "approved", decision: "approve", decidedBy: "U1" }),
        decideRequest(db, request.id, { status: "denied", decision: "deny", decidedBy: "U2" }),
      ]);
      expect(outcomes.filter((outcome) => outcome.decided)).toHaveLength(1);
      const winner = outcomes.find((outcome) => outcome.decided)?.request;
      const stored = await getRequest(db, request.id);
      expect(stored?.status).toBe(winner?.status);
      expect(stored?.decidedBy).toBe(winner?.decidedBy);
      expect(stored?.decidedAt).toBeInstanceOf(Date);
      expect(outcomes.find((outcome) => !outcome.decided)?.request?.status).toBe(stored?.status);
      expect(await listPendingRequests(db, session.id)).toEqual([]);
      expect(
        await decideRequest(db, "missing", { status: "answered", answer: "x", decidedBy: "U1" }),
      ).toEqual({
        decided: false,
        request: undefined,
      });
    });

    it("keeps approval rules without duplicates", async () => {
      const session = await newSession();
      const rule = { sessionId: session.id, toolName: "run_command", pattern: "npm test", createdBy: "U1" };
      expect(await addApprovalRule(db, rule)).toBe(true);
      expect(await addApprovalRule(db, rule)).toBe(false);
      await addApprovalRule(db, { ...rule, pattern: "npm run lint" });
      expect((await listApprovalRules(db, session.id)).map((row) => row.pattern).sort()).toEqual([
        "npm run lint",
        "npm test",
      ]);
    });
  });

  describe("tool call audit", () => {
    it("starts a call once, finishes it once (refused calls too), and stores secrets redacted", async () => {
      const session = await newSession();
      const agent = await newAgent(session.id);
      const call = {
        agentId: agent.id,
        toolCallId: "call-1",
        sessionId: session.id,
        toolName: "run_command",
        input: { command: "echo xoxb-123-456-abcdef" },
        risk: "risky" as const,
      };
      const starts = await Promise.all([startToolCall(db, call), startToolCall(db, call)]);
      expect(starts.filter((start) => start.started)).toHaveLength(1);
      expect(starts[0]?.toolCall.status).toBe("started");
      expect(JSON.stringify(starts[0]?.toolCall.input)).not.toContain("xoxb-123");

      const finished = await finishToolCall(db, call, {
        status: "finished",
        output: "token sk-ant-api03-secretsecret printed",
        isError: false,
      });
      expect(finished).toMatchObject({ status: "finished", isError: false });
      expect(finished?.output).toBe("token [REDACTED] printed");
      const second = await finishToolCall(db, call, {
        status: "failed",
        output: "x",
        isError: true,
      });
      expect(second?.status).toBe("finished");
      expect((await getToolCall(db, agent.id, "call-1"))?.finishedAt).toBeInstanceOf(Date);
      expect(await getToolCall(db, agent.id, "missing")).toBeUndefined();

      // A call refused before it started (unknown tool, invalid input, denied) gets its row on finish.
      const refused = {
        ...call,
        toolCallId: "call-denied",
        input: { command: "curl -H 'Authorization: Bearer abcdefghijklmnop123456'" },
      };
      const denied = await finishToolCall(db, refused, {
        status: "denied",
        output: "Denied; the key sk-ant-api03-secretsecret stays out",
        isError: true,
      });
      expect(denied).toMatchObject({ status: "denied", isError: true, risk: "risky" });
      expect(denied?.finishedAt).toBeInstanceOf(Date);
      expect(denied?.output).not.toContain("sk-ant-api03");
      expect(JSON.stringify(denied?.input)).not.toContain("abcdefghijklmnop123456");
      const again = await finishToolCall(db, refused, { status: "finished", output: "ran", isError: false });
      expect(again?.status).toBe("denied");
      expect((await startToolCall(db, refused)).started).toBe(false);
    });
  });

  describe("usage ledger", () => {
    it("records a step's usage once and totals a session", async () => {
      const session = await newSession();
      const agent = await newAgent(session.id);
      const worker = await newAgent(session.id, "worker");
      const record = {
        sessionId: session.id,
        agentId: agent.id,
        step: 1,
        provider: "anthropic" as const,
        model: "claude-sonnet-5-5",
        usage,
        costMicros: 1500,
      };
      expect(await recordUsage(db, record)).toBe(true);
      expect(await recordUsage(db, record)).toBe(false);
      await recordUsage(db, { ...record, step: 2, costMicros: 500 });
      await recordUsage(db, { ...record, agentId: worker.id, step: 1, costMicros: 250 });
      expect(await sessionUsageTotals(db, session.id)).toEqual({
        usage: { inputTokens: 300, outputTokens: 60, cacheReadTokens: 150, cacheWriteTokens: 30 },
        costMicros: 2250,
        turns: 3,
      });
      expect(await sessionUsageTotals(db, "empty")).toEqual({
        usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
        costMicros: 0,
        turns: 0,
      });
    });
  });

  describe("inbound events", () => {
    it("claims an event id only the first time, even concurrently", async () => {
      const eventId = `Ev${randomUUID()}`;
      const claims = await Promise.all([
        claimInboundEvent(db, "slack", eventId),
        claimInboundEvent(db, "slack", eventId),
        claimInboundEvent(db, "slack", eventId),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await claimInboundEvent(db, "slack", eventId)).toBe(false);
      expect(await claimInboundEvent(db, "terminal", eventId)).toBe(true);
      expect(await pruneInboundEvents(db, new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(2);
      expect(await claimInboundEvent(db, "slack", eventId)).toBe(true);
    });
  });

  describe("surface messages", () => {
    it("claims a purpose once and upserts on save", async () => {
      const session = await newSession();
      const message = { sessionId: session.id, purpose: "status", channel: "C1", externalId: "1700.0001" };
      expect(await getSurfaceMessage(db, session.id, "status")).toBeUndefined();
      const claims = await Promise.all([
        claimSurfaceMessage(db, message),
        claimSurfaceMessage(db, { ...message, externalId: "1700.0002" }),
      ]);
      expect(claims.filter((claim) => claim.claimed)).toHaveLength(1);
      expect(claims[0]?.message.externalId).toBe(claims[1]?.message.externalId);
      const saved = await saveSurfaceMessage(db, { ...message, externalId: "1700.0003", contentHash: "abc" });
      expect(saved).toMatchObject({ externalId: "1700.0003", contentHash: "abc" });
      expect((await getSurfaceMessage(db, session.id, "status"))?.externalId).toBe("1700.0003");
      const fresh = await saveSurfaceMessage(db, { ...message, purpose: "request:1" });
      expect(fresh.purpose).toBe("request:1");
    });
  });

  describe("cascade deletes", () => {
    it("removes everything that belongs to a deleted session", async () => {
      const session = await newSession();
      const agent = await newAgent(session.id);
      await appendTranscriptMessage(db, agent.id, 0, { role: "user", parts: [{ type: "text", text: "hi" }] });
      await enqueueEvent(db, { sessionId: session.id, targetAgentId: agent.id, type: "user-message" });
      await writeContext(db, session.id, "plan", "v1");
      await createRequest(db, { sessionId: session.id, agentId: agent.id, kind: "question", prompt: "?" });
      await addApprovalRule(db, { sessionId: session.id, toolName: "t", pattern: "p", createdBy: "U1" });
      await startToolCall(db, {
        agentId: agent.id,
        toolCallId: "c",
        sessionId: session.id,
        toolName: "t",
        input: {},
        risk: "safe",
      });
      await saveSurfaceMessage(db, {
        sessionId: session.id,
        purpose: "status",
        channel: "C",
        externalId: "1",
      });

      expect(await deleteSession(db, session.id)).toBe(true);
      expect(await deleteSession(db, session.id)).toBe(false);
      expect(await getAgent(db, agent.id)).toBeUndefined();
      expect(await loadTranscript(db, agent.id)).toEqual([]);
      expect(await pendingEventsFor(db, agent.id)).toEqual([]);
      expect(await readContext(db, session.id)).toEqual([]);
      expect(await listPendingRequests(db, session.id)).toEqual([]);
      expect(await listApprovalRules(db, session.id)).toEqual([]);
      expect(await getToolCall(db, agent.id, "c")).toBeUndefined();
      expect(await getSurfaceMessage(db, session.id, "status")).toBeUndefined();
    });
  });

  describe("queue", () => {
    it("wakes a worker through LISTEN/NOTIFY well before its polling interval", async () => {
      const queue = handle.createQueue({ schedule: false, supervise: false });
      await queue.start();
      await queue.createQueue("wake", { notify: true });
      const received = Promise.withResolvers<{ data: unknown; at: number }>();
      await queue.work<{ agentId: string }>(
        "wake",
        { pollingIntervalSeconds: 30, notifyPollingIntervalSeconds: 30 },
        async ([job]) => {
          received.resolve({ data: job?.data, at: performance.now() });
        },
      );
      // Let the worker's first (empty) fetch pass, so only a notification can wake it.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const sentAt = performance.now();
      await queue.send("wake", { agentId: "agent-1" });
      const { data, at } = await received.promise;
      expect(data).toEqual({ agentId: "agent-1" });
      expect(at - sentAt).toBeLessThan(3000);
    });
  });
});
