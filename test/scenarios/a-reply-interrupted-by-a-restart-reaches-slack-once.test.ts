import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeLlmRequest,
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
} from "../fakes/fake-llm-server.ts";
import { FakeSlackServer, realisticSlackDelayMs, sendSignedEvent } from "../fakes/fake-slack-server.ts";
import { type Backend, createEmptyPostgresDatabase } from "../helpers/database.ts";
import { seedEmbeddedDataDirectory } from "../helpers/database-templates.ts";
import { isSupervisorRequest } from "../helpers/runtime-harness.ts";
import { waitUntil } from "../helpers/runtime-processes.ts";
import { scaled } from "../helpers/time-scale.ts";
import { hold, killService, type Service, startService } from "./support/service-process.ts";

const signingSecret = "restart-signing-secret";
const channel = "C0GENERAL";
const owner = "U0OWNER";
const threadTs = "1700300000.000100";
const answer = "Here is the answer after the restart.";
/** Both databases and both providers, each process start costing seconds: two pairs, not four. */
const cases: { backend: Backend; provider: "anthropic" | "openai" }[] = [
  { backend: "postgres", provider: "anthropic" },
  { backend: "pglite", provider: "openai" },
];
/** Slack slowed down while the new instance starts, as it can be during a deploy. */
const slowSlackMs = 3000;

/**
 * A model call is open when `npm start` gets SIGTERM; the next instance runs the turn again.
 * Slack answers as slowly as real Slack (150 ms a call), and slower while the new instance
 * starts, until its resumed turn ended: that instance may still be checking its token
 * (`auth.test`) when the turn ends, whatever the machine's load. The reply must reach the
 * thread all the same, once, and the agent session must not stay `processing`.
 */
describe.each(cases)("a reply interrupted by a restart ($backend, $provider)", ({ backend, provider }) => {
  let llm: FakeLlmServer;
  let slack: FakeSlackServer;
  let dataDirectory: string;
  let database: { url: string; drop(): Promise<void> } | undefined;
  const services: Service[] = [];
  const firstCall = hold();

  beforeAll(async () => {
    slack = await FakeSlackServer.start("xoxb-restart-test", { responseDelayMs: realisticSlackDelayMs });
    slack.agentSessions.enable();
    dataDirectory = await mkdtemp(path.join(tmpdir(), "threadwork-restart-"));
    if (backend === "postgres") database = await createEmptyPostgresDatabase();
    // The first start opens a migrated copy instead of paying for an initdb and every migration.
    else await seedEmbeddedDataDirectory(dataDirectory);
    llm = await startFakeLlmServer();
    let calls = 0;
    llm.respondWith(() => {
      calls += 1;
      // The first call is still open when the first instance stops; the next instance's gets the answer.
      return calls === 1 ? firstCall.until(textResponse("never sent")) : textResponse(answer);
    });
  });

  afterAll(async () => {
    firstCall.release();
    for (const service of services) await killService(service);
    await llm?.close();
    await slack?.close();
    await database?.drop();
    if (dataDirectory) await rm(dataDirectory, { recursive: true, force: true });
  });

  const environment = () => ({
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    ...(database ? { DATABASE_URL: database.url } : {}),
    THREADWORK_DATA_DIR: dataDirectory,
    ...(provider === "anthropic"
      ? { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: llm.anthropicBaseUrl }
      : { OPENAI_BASE_URL: llm.openaiBaseUrl }),
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    THREADWORK_SHUTDOWN_SECONDS: "8",
  });

  const supervisorCalls = () =>
    llm.requests.filter((request: FakeLlmRequest) => isSupervisorRequest(request));
  const answers = () => slack.threadMessages(channel, threadTs).filter((message) => message.text === answer);
  const status = () => slack.agentSessions.statusOf(channel, threadTs);

  it("reaches the thread once and leaves the agent session active", {
    timeout: scaled(360_000),
  }, async () => {
    const first = await startService(environment());
    services.push(first);
    await first.ready;
    const mention = await sendSignedEvent(
      first.eventsUrl,
      {
        event_id: "EvRestart1",
        team_id: slack.teamId,
        event: {
          type: "app_mention",
          user: owner,
          text: `<@${slack.botUserId}> answer me`,
          ts: threadTs,
          channel,
        },
      },
      { signingSecret },
    );
    expect(mention.status).toBe(200);
    await waitUntil(() => supervisorCalls().length === 1 && status() === "processing", {
      timeoutMs: 120_000,
      message: first.output,
    });

    first.child.kill("SIGTERM");
    expect((await first.exited).code, first.output()).toBe(0);
    expect(first.lines().some((line) => line.msg.includes("the next instance runs this turn again"))).toBe(
      true,
    );

    slack.responseDelayMs = slowSlackMs;
    const second = await startService(environment());
    services.push(second);
    // The model is asked again and answers at once; its turn ends while Slack is still slow.
    await waitUntil(() => second.lines().some((line) => line.msg.startsWith("session idle")), {
      timeoutMs: 120_000,
      message: second.output,
    });
    slack.responseDelayMs = realisticSlackDelayMs;
    await second.ready;
    await waitUntil(() => supervisorCalls().length === 2 && answers().length > 0 && status() === "active", {
      timeoutMs: 120_000,
      message: () =>
        `${answers().length} answers, status ${status()}, ${supervisorCalls().length} model calls\n${second.output()}`,
    });
    expect(supervisorCalls()[1]?.lastUserText).toBe(supervisorCalls()[0]?.lastUserText);

    // Everything the second instance had to send has gone out once it stops.
    second.child.kill("SIGTERM");
    const exit = await second.exited;
    expect(exit.code, `signal ${exit.signal}\n${second.output()}`).toBe(0);
    expect(answers()).toHaveLength(1);
    expect(status()).toBe("active");
  });
});
