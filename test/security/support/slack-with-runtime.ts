import type { DatabaseHandle } from "../../../src/adapters/database/open-database.ts";
import type { Config } from "../../../src/config/config.ts";
import type { AnyTool } from "../../../src/domain/tool.ts";
import type { Runtime } from "../../../src/runtime/create-runtime.ts";
import type { RuntimeContext } from "../../../src/runtime/runtime-context.ts";
import { createDatabaseSlackStore } from "../../../src/surfaces/slack/database-slack-store.ts";
import {
  type FakeLlmResponder,
  type FakeLlmServer,
  startFakeLlmServer,
} from "../../fakes/fake-llm-server.ts";
import { FakeSlackServer } from "../../fakes/fake-slack-server.ts";
import { createTestDatabase } from "../../helpers/database.ts";
import { startTestRuntime } from "../../helpers/runtime-harness.ts";
import { type Harness, startHarness } from "../../slack/support/harness.ts";

export interface SlackWithRuntime {
  handle: DatabaseHandle;
  llm: FakeLlmServer;
  fake: FakeSlackServer;
  runtime: Runtime;
  harness: Harness;
  /** The session of a thread in `channel`, if one was created. */
  session(channel: string, threadTs: string): ReturnType<Runtime["findSession"]>;
  /** Ephemeral notes posted to `user`. */
  ephemeralsTo(user: string): string[];
  close(): Promise<void>;
}

/** The real Bolt receiver and the real runtime on Postgres, the fake LLM scripting every agent. */
export async function startSlackWithRuntime(options: {
  respond: FakeLlmResponder;
  slack?: Partial<Config["slack"]>;
  workerTools?: AnyTool[];
  /** Limits and approvers of the runtime; the test defaults when omitted. */
  config?: RuntimeContext["config"];
  workspaces?: RuntimeContext["workspaces"];
  repositories?: RuntimeContext["repositories"];
  /** Subscribes to the runtime before it starts, e.g. to see every agent start. */
  beforeStart?: (runtime: Runtime) => void;
}): Promise<SlackWithRuntime> {
  const handle = await createTestDatabase("postgres");
  const llm = await startFakeLlmServer();
  llm.respondWith(options.respond);
  const fake = await FakeSlackServer.start();
  const runtime = await startTestRuntime({
    handle,
    anthropicBaseUrl: llm.anthropicBaseUrl,
    ...(options.workerTools ? { workerTools: options.workerTools } : {}),
    ...(options.config ? { config: options.config } : {}),
    ...(options.workspaces ? { workspaces: options.workspaces } : {}),
    ...(options.repositories ? { repositories: options.repositories } : {}),
    ...(options.beforeStart ? { beforeStart: options.beforeStart } : {}),
  });
  const harness = await startHarness({
    runtime,
    fake,
    store: createDatabaseSlackStore(handle.db),
    ...(options.slack ? { slack: options.slack } : {}),
  });
  return {
    handle,
    llm,
    fake,
    runtime,
    harness,
    session: (channel, threadTs) =>
      runtime.findSession({ surface: "slack", conversationKey: `${fake.teamId}:${channel}:${threadTs}` }),
    ephemeralsTo: (user) =>
      fake
        .callsTo("chat.postEphemeral")
        .filter((call) => call.params.user === user)
        .map((call) => String(call.params.text)),
    async close() {
      await harness.stop();
      await runtime.stop();
      await fake.close();
      await llm.close();
      await handle.close();
    },
  };
}
