import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAgentsForSession } from "../../src/adapters/database/agents.ts";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { findSessionByKey } from "../../src/adapters/database/sessions.ts";
import {
  type FakeLlmRequest,
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { FakeSlackServer, realisticSlackDelayMs, sendSignedEvent } from "../fakes/fake-slack-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { briefOf, isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { databaseUrlOf, waitUntil } from "../helpers/runtime-processes.ts";
import { scaled } from "../helpers/time-scale.ts";
import { hold, killService, type Service, startService } from "./support/service-process.ts";

const signingSecret = "shutdown-signing-secret";
const channel = "C0GENERAL";
const owner = "U0OWNER";
const budgetSeconds = 8;
const threads = { reply: "1700200000.000100", board: "1700200001.000100", stuck: "1700200002.000100" };

describe("stopping an instance (postgres)", () => {
  let handle: DatabaseHandle;
  let llm: FakeLlmServer;
  let slack: FakeSlackServer;
  let dataDirectory: string;
  const services: Service[] = [];
  const reply = hold();
  const boardWorker = hold();
  const stuckWorker = hold();

  const firstText = (request: FakeLlmRequest) => request.messages[0]?.text ?? "";

  beforeAll(async () => {
    handle = await createTestDatabase("postgres");
    slack = await FakeSlackServer.start("xoxb-shutdown-test", { responseDelayMs: realisticSlackDelayMs });
    dataDirectory = await mkdtemp(path.join(tmpdir(), "threadwork-shutdown-"));
    llm = await startFakeLlmServer();
    let stuckCalls = 0;
    llm.respondWith((request) => {
      const first = firstText(request);
      if (isSupervisorRequest(request)) {
        if (first.includes("answer slowly")) return reply.until(textResponse("Here is the answer."));
        if (request.lastUserText.includes("finished")) {
          return textResponse(first.includes("stuck") ? "Summary C: the stuck one finished." : "Summary B.");
        }
        if (request.turnIndex === 0) {
          const brief = first.includes("stuck") ? "stuck: think for long" : "board: finish when told";
          return toolCallResponse([{ name: "spawn_agent", input: { title: "Helper", brief } }]);
        }
        return textResponse("Started one agent.");
      }
      if (briefOf(request).startsWith("stuck")) {
        stuckCalls += 1;
        // The first call is still running when the first instance stops; the re-run answers.
        return stuckCalls === 1
          ? stuckWorker.until(textResponse("never sent"))
          : textResponse("Stuck one done.");
      }
      return boardWorker.until(textResponse("Board helper done."));
    });
  });

  afterAll(async () => {
    reply.release();
    boardWorker.release();
    stuckWorker.release();
    for (const service of services) await killService(service);
    await handle?.close();
    await llm?.close();
    await slack?.close();
    if (dataDirectory) await rm(dataDirectory, { recursive: true, force: true });
  });

  const environment = (name: string) => ({
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    DATABASE_URL: databaseUrlOf(handle),
    THREADWORK_DATA_DIR: path.join(dataDirectory, name),
    ANTHROPIC_API_KEY: "sk-ant-test",
    ANTHROPIC_BASE_URL: llm.anthropicBaseUrl,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    THREADWORK_SHUTDOWN_SECONDS: String(budgetSeconds),
  });

  const mention = (service: Service, threadTs: string, text: string) =>
    sendSignedEvent(
      service.eventsUrl,
      {
        event_id: `Ev${threadTs.replace(".", "")}`,
        team_id: slack.teamId,
        event: {
          type: "app_mention",
          user: owner,
          text: `<@${slack.botUserId}> ${text}`,
          ts: threadTs,
          channel,
        },
      },
      { signingSecret },
    );
  const inThread = (threadTs: string, prefix: string) =>
    slack.threadMessages(channel, threadTs).find((message) => message.text.startsWith(prefix));
  const requestsFor = (match: (request: FakeLlmRequest) => boolean) => llm.requests.filter(match);
  const isStuckWorker = (request: FakeLlmRequest) =>
    !isSupervisorRequest(request) && briefOf(request).startsWith("stuck");
  const isBoardWorker = (request: FakeLlmRequest) =>
    !isSupervisorRequest(request) && briefOf(request).startsWith("board");
  const isSlowReply = (request: FakeLlmRequest) =>
    isSupervisorRequest(request) && firstText(request).includes("answer slowly");

  it("sends a reply made while stopping, leaves final boards and statuses, exits in budget and hands work over at once", {
    timeout: scaled(180_000),
  }, async () => {
    const first = await startService(environment("first"));
    services.push(first);
    await first.ready;

    // A supervisor mid-reply, a worker whose end will redraw its board, and a worker that never answers in time.
    expect((await mention(first, threads.reply, "answer slowly")).status).toBe(200);
    expect((await mention(first, threads.board, "delegate to a board helper")).status).toBe(200);
    expect((await mention(first, threads.stuck, "delegate to a stuck helper")).status).toBe(200);
    await waitUntil(
      () =>
        requestsFor(isSlowReply).length === 1 &&
        requestsFor(isBoardWorker).length === 1 &&
        requestsFor(isStuckWorker).length === 1 &&
        inThread(threads.board, "Crew:") !== undefined &&
        inThread(threads.stuck, "Started one agent.") !== undefined,
      { timeoutMs: 30_000, message: first.output },
    );
    const boardHelperRunning = JSON.stringify(inThread(threads.board, "Crew:")?.blocks);
    expect(boardHelperRunning).not.toContain("done");

    // The next instance is up before the first stops, as in a rolling deploy.
    const second = await startService(environment("second"));
    services.push(second);
    await second.ready;

    const callsBeforeStop = slack.calls.length;
    const stoppedAt = Date.now();
    first.child.kill("SIGTERM");
    await waitUntil(() => first.lines().some((line) => line.msg === "shutdown: Slack input stopped"), {
      message: first.output,
    });
    // Both answers arrive while the first instance is stopping.
    reply.release();
    boardWorker.release();
    const exit = await first.exited;
    const stopSeconds = (exit.at - stoppedAt) / 1000;

    expect(exit.code, first.output()).toBe(0);
    expect(stopSeconds).toBeLessThan(budgetSeconds);

    // The reply made while stopping reached Slack, and its thread's "thinking" status was cleared.
    expect(inThread(threads.reply, "Here is the answer.")?.text).toBe("Here is the answer.");
    const afterStop = slack.calls.slice(callsBeforeStop);
    expect(
      afterStop.some(
        (call) =>
          call.method === "assistant.threads.setStatus" &&
          call.params.thread_ts === threads.reply &&
          call.params.status === "",
      ),
    ).toBe(true);
    // The board shows the helper that finished during the stop as done: its last edit was not dropped.
    expect(JSON.stringify(inThread(threads.board, "Crew:")?.blocks)).toContain("done");
    expect(afterStop.some((call) => call.method === "chat.update")).toBe(true);

    // The stuck worker's model call was interrupted, said so with its agent, and was handed over.
    const stuckSession = await findSessionByKey(
      handle.db,
      "slack",
      `${slack.teamId}:${channel}:${threads.stuck}`,
    );
    const stuckAgent = (await listAgentsForSession(handle.db, stuckSession?.id ?? "")).find(
      (agent) => agent.role === "worker",
    );
    const lines = first.lines();
    const interrupted = lines.find((line) => line.msg.startsWith("model call interrupted by shutdown"));
    expect(interrupted).toMatchObject({ level: 40, agentId: stuckAgent?.id });
    expect(interrupted?.msg).toContain("the next instance runs this turn again");
    // Only the stuck worker was still in a step at the drain deadline: the others finished theirs.
    expect(
      lines.find((line) => line.msg === "shutdown: interrupting the steps still running")?.agentIds,
    ).toEqual([stuckAgent?.id]);
    expect(lines.find((line) => line.msg.includes("handed over to the next instance"))?.agentIds).toContain(
      stuckAgent?.id,
    );
    // Every phase is logged at info, in order.
    const phases = [
      "shutting down",
      "shutdown: started",
      "shutdown: Slack input stopped",
      "shutdown: no new work taken",
      "shutdown: interrupting the steps still running",
      "shutdown: agents handed over to the next instance",
      "shutdown: agents stopped and leases released",
      "shutdown: every pending Slack update sent",
      "shutdown: complete",
    ];
    const positions = phases.map((phase) => lines.findIndex((line) => line.msg.startsWith(phase)));
    expect(
      positions.every((position) => position >= 0),
      JSON.stringify(positions),
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    // The second instance resumes the interrupted worker within seconds, long before its 30 s lease would expire.
    await waitUntil(() => requestsFor(isStuckWorker).length === 2, {
      timeoutMs: 10_000,
      message: second.output,
    });
    const resumedAfter =
      ((requestsFor(isStuckWorker)[1]?.receivedAt ?? Number.POSITIVE_INFINITY) - exit.at) / 1000;
    expect(resumedAfter).toBeLessThan(5);
    await waitUntil(
      () =>
        inThread(threads.stuck, "Summary C") !== undefined &&
        inThread(threads.board, "Summary B") !== undefined,
      { timeoutMs: 30_000, message: second.output },
    );

    // Nothing persisted was asked again: the reply's turn and the board helper's turn went to the model once.
    expect(requestsFor(isSlowReply)).toHaveLength(1);
    expect(requestsFor(isBoardWorker)).toHaveLength(1);
    expect(requestsFor(isStuckWorker).map((request) => request.turnIndex)).toEqual([0, 0]);
    expect(
      slack.threadMessages(channel, threads.reply).filter((message) => message.text.startsWith("Here is")),
    ).toHaveLength(1);

    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
  });
});
