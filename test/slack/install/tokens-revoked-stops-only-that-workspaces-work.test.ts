import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../../src/adapters/database/open-database.ts";
import {
  getInstallation,
  openSessionsOfInstallation,
  saveInstallation,
} from "../../../src/adapters/database/slack-installations.ts";
import { TokenCipher } from "../../../src/adapters/database/token-cipher.ts";
import { SealedInstallationStore } from "../../../src/adapters/slack/sealed-installation-store.ts";
import { StoredInstallations } from "../../../src/adapters/slack/stored-installations.ts";
import { decodeEncryptionKey } from "../../../src/config/encryption-key.ts";
import type { AuditEntry } from "../../../src/domain/audit.ts";
import { createSilentLogger } from "../../../src/logger.ts";
import type { Runtime } from "../../../src/runtime/create-runtime.ts";
import type { SurfaceEvent } from "../../../src/runtime/surface-port.ts";
import { createSlackSurface, type SlackSurface } from "../../../src/surfaces/slack/create-slack-surface.ts";
import { createMemorySlackStore } from "../../../src/surfaces/slack/slack-store.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../../fakes/fake-llm-server.ts";
import { FakeSlackServer, sendSignedEvent } from "../../fakes/fake-slack-server.ts";
import { backends, createTestDatabase } from "../../helpers/database.ts";
import { eventually } from "../../helpers/eventually.ts";
import { installedWorkspace } from "../../helpers/installed-workspace.ts";
import { createGate } from "../../helpers/runtime-gate.ts";
import { isSupervisorRequest, startTestRuntime } from "../../helpers/runtime-harness.ts";

const key = decodeEncryptionKey(Buffer.alloc(32, 5).toString("base64"));
if (!key) throw new Error("the test key must decode");
const signingSecret = "test-signing-secret";

describe.each(backends)("an ended installation on %s", (backend) => {
  let handle: DatabaseHandle;
  let slack: FakeSlackServer;
  let llm: FakeLlmServer;
  let runtime: Runtime;
  let surface: SlackSurface;
  let eventsUrl: string;
  const events: SurfaceEvent[] = [];
  const audit: AuditEntry[] = [];
  const workerGate = createGate();
  const cipher = new TokenCipher(key);
  let tokens: StoredInstallations;

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    slack = await FakeSlackServer.start();
    llm = await startFakeLlmServer();
    llm.respondWith(async (request) => {
      if (!isSupervisorRequest(request)) {
        await workerGate.wait();
        return textResponse("done");
      }
      if (request.lastUserText.includes("start")) {
        return toolCallResponse([
          { name: "spawn_agent", input: { title: "Long job", brief: "work a while" } },
        ]);
      }
      return textResponse("Noted.");
    });
    runtime = await startTestRuntime({ handle, anthropicBaseUrl: llm.anthropicBaseUrl });
    runtime.subscribe((event) => void events.push(event));
    tokens = new StoredInstallations({
      db: handle.db,
      cipher,
      clientId: slack.oauth.clientId,
      clientSecret: slack.oauth.clientSecret,
      apiUrl: slack.apiUrl,
      logger: createSilentLogger(),
    });
    surface = createSlackSurface({
      config: { botToken: slack.botToken, signingSecret, appToken: undefined, apiUrl: slack.apiUrl, port: 0 },
      runtime,
      store: createMemorySlackStore(),
      logger: createSilentLogger(),
      health: async () => ({ database: true, queue: true }),
      host: "127.0.0.1",
      installations: tokens,
      oauthInstall: {
        config: {
          clientId: slack.oauth.clientId,
          clientSecret: slack.oauth.clientSecret,
          stateSecret: "state",
          encryptionKey: "",
        },
        store: new SealedInstallationStore(handle.db, cipher),
        scopes: [],
        audit: { record: async (entry) => void audit.push(entry) },
        openSessions: (scope) => openSessionsOfInstallation(handle.db, scope),
      },
    });
    const { port } = await surface.start();
    eventsUrl = `http://127.0.0.1:${port}/slack/events`;
  });
  afterAll(async () => {
    workerGate.open();
    await surface?.stop();
    await runtime?.stop();
    await llm?.close();
    await slack?.close();
    await handle?.close();
  });

  async function startWork(teamId: string, channel: string, owner: string): Promise<string> {
    const threadTs = `17000000${teamId.length}.00010${channel.length}`;
    const outcome = await runtime.handle({
      type: "user-message",
      key: { surface: "slack", conversationKey: `${teamId}:${channel}:${threadTs}` },
      userId: owner,
      text: "start the long job",
      metadata: { channel, threadTs, teamId },
    });
    if (outcome.type !== "message-accepted") throw new Error(`not accepted: ${outcome.type}`);
    await eventually(() =>
      events.some((event) => event.type === "agent-started" && event.sessionId === outcome.sessionId),
    );
    return outcome.sessionId;
  }

  it("tokens_revoked stops that workspace's running session and deletes its tokens; the other is untouched", async () => {
    await saveInstallation(handle.db, cipher, await installedWorkspace(slack, { teamId: "T0AAA" }));
    await saveInstallation(handle.db, cipher, await installedWorkspace(slack, { teamId: "T0BBB" }));
    const sessionA = await startWork("T0AAA", "C0AAA", "U0OWNERA");
    const sessionB = await startWork("T0BBB", "C0BBB", "U0OWNERB");

    slack.oauth.revoke("T0AAA");
    const response = await sendSignedEvent(
      eventsUrl,
      {
        event_id: "Ev0REVOKED",
        team_id: "T0AAA",
        event: {
          type: "tokens_revoked",
          tokens: { oauth: [], bot: ["U0BOT1"] },
          event_ts: "1700000000.000001",
        },
      },
      { signingSecret },
    );
    expect(response.status).toBe(200);

    const workerOf = async (sessionId: string) =>
      (await runtime.listAgents(sessionId)).find((agent) => agent.role === "worker");
    await eventually(async () => (await workerOf(sessionA))?.status === "cancelled");
    expect((await runtime.getSession(sessionA))?.status).toBe("closed");
    expect(await getInstallation(handle.db, cipher, "T0AAA")).toBeUndefined();
    expect(await tokens.botFor({ teamId: "T0AAA", enterpriseId: undefined })).toBeUndefined();
    await eventually(() => audit.length > 0);
    expect(audit).toEqual([
      expect.objectContaining({
        action: "tokens-revoked",
        actorId: "threadwork",
        scope: { teamId: "T0AAA", enterpriseId: undefined },
      }),
    ]);

    // Workspace B: its session runs on and its token still works.
    expect((await runtime.getSession(sessionB))?.status).toBe("active");
    expect((await workerOf(sessionB))?.status).toBe("running");
    const credentials = await tokens.botFor({ teamId: "T0BBB", enterpriseId: undefined });
    const answer = await fetch(`${slack.apiUrl}auth.test`, {
      method: "POST",
      headers: { authorization: `Bearer ${credentials?.botToken}` },
    });
    expect(await answer.json()).toMatchObject({ ok: true, team_id: "T0BBB" });
  });

  it("app_uninstalled ends the installation the same way", async () => {
    await saveInstallation(handle.db, cipher, await installedWorkspace(slack, { teamId: "T0CCC" }));
    const sessionC = await startWork("T0CCC", "C0CCC", "U0OWNERC");
    slack.oauth.revoke("T0CCC");
    await sendSignedEvent(
      eventsUrl,
      {
        event_id: "Ev0UNINSTALLED",
        team_id: "T0CCC",
        event: { type: "app_uninstalled", event_ts: "1700000000.000002" },
      },
      { signingSecret },
    );
    await eventually(() => audit.some((entry) => entry.action === "uninstall"));
    expect((await runtime.getSession(sessionC))?.status).toBe("closed");
    expect(await getInstallation(handle.db, cipher, "T0CCC")).toBeUndefined();
  });
});
