import { z } from "zod";
import type { DatabaseHandle } from "../../../src/adapters/database/open-database.ts";
import { defineTool } from "../../../src/domain/tool.ts";
import type { WorkspacesPort } from "../../../src/domain/workspaces-port.ts";
import type { Runtime } from "../../../src/runtime/create-runtime.ts";
import type { RuntimeContext } from "../../../src/runtime/runtime-context.ts";
import { createDatabaseSlackStore } from "../../../src/surfaces/slack/database-slack-store.ts";
import { type FakeLlmServer, startFakeLlmServer } from "../../fakes/fake-llm-server.ts";
import { type FakeMessage, FakeSlackServer } from "../../fakes/fake-slack-server.ts";
import { createTestDatabase } from "../../helpers/database.ts";
import { createTestRuntime } from "../../helpers/runtime-harness.ts";
import { channel, type Harness, startHarness } from "../../slack/support/harness.ts";

export const owner = "U0OWNER";
/** A GitHub-token-shaped secret that the recording `run_command` prints for `env`. */
export const leakedByCommand = "ghp_LeakedByCommand0123456789abcdef";

/**
 * Stands in for `run_command` with the same name, input and risk, and records every
 * command it would run instead of running it: the approval gate in front of it is real.
 */
export function recordingRunCommand(ran: string[]) {
  return defineTool({
    name: "run_command",
    description: "Run a shell command in the workspace.",
    input: z.object({ command: z.string().min(1), timeout_s: z.number().positive().optional() }),
    risk: "risky",
    describe: (input) => `run \`${input.command}\``,
    async execute(input) {
      ran.push(input.command);
      // `env` stands for a command that prints a secret the sandbox failed to hide.
      if (input.command === "env") return `[exit code 0]\nGIT_TOKEN=${leakedByCommand}`;
      return `[exit code 0]\nran: ${input.command}`;
    },
  });
}

const workspaces: WorkspacesPort = {
  async createWorkspace(request) {
    return { repoName: request.repo, root: "/nonexistent", branch: "threadwork/s/a", baseCommit: "abc" };
  },
  async finalizeWorkspace(request) {
    return { branch: request.workspace.branch };
  },
};

export interface Instance {
  runtime: Runtime;
  harness: Harness;
}

/** A database, the fake LLM, the fake Slack Web API, and runtimes with the real Slack surface. */
export interface Scenario {
  handle: DatabaseHandle;
  llm: FakeLlmServer;
  fake: FakeSlackServer;
  ran: string[];
  /** A runtime and Slack surface; `config` is the runtime's (default: `testConfig()`). */
  start(instanceId: string, config?: RuntimeContext["config"]): Promise<Instance>;
  stop(instance: Instance): Promise<void>;
  close(): Promise<void>;
  /** The newest message in a thread whose text starts with `prefix`. */
  posted(threadTs: string, prefix: string): FakeMessage | undefined;
  mention(instance: Instance, threadTs: string, text: string): Promise<void>;
}

export async function startScenario(): Promise<Scenario> {
  const handle = await createTestDatabase("postgres");
  const llm = await startFakeLlmServer();
  const fake = await FakeSlackServer.start();
  const ran: string[] = [];
  const running = new Set<Instance>();
  const scenario: Scenario = {
    handle,
    llm,
    fake,
    ran,
    async start(instanceId, config) {
      const runtime = createTestRuntime({
        handle,
        ...(config ? { config } : {}),
        anthropicBaseUrl: llm.anthropicBaseUrl,
        instanceId,
        workerTools: [recordingRunCommand(ran)],
        workspaces,
        repositories: { names: ["app"], defaultRepository: undefined },
      });
      // The surface listens before the runtime re-announces what is pending.
      const harness = await startHarness({ runtime, fake, store: createDatabaseSlackStore(handle.db) });
      await runtime.start();
      const instance = { runtime, harness };
      running.add(instance);
      return instance;
    },
    async stop(instance) {
      await instance.harness.stop();
      await instance.runtime.stop();
      running.delete(instance);
    },
    async close() {
      for (const instance of [...running]) await scenario.stop(instance);
      await fake.close();
      await llm.close();
      await handle.close();
    },
    posted(threadTs, prefix) {
      return fake.latestThreadMessage(channel, threadTs, prefix);
    },
    async mention(instance, threadTs, text) {
      await instance.harness.event(`Ev${threadTs.replace(".", "")}`, {
        type: "app_mention",
        user: owner,
        text: `<@${fake.botUserId}> ${text}`,
        ts: threadTs,
        channel,
      });
    },
  };
  return scenario;
}

/** Every string anywhere in a JSON value, with the path to it. */
export function allStrings(value: unknown, path = "$"): { path: string; text: string }[] {
  if (typeof value === "string") return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => allStrings(item, `${path}[${index}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => allStrings(item, `${path}.${key}`));
  }
  return [];
}
