import { inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { agents } from "../../src/adapters/database/schema.ts";
import type { SurfaceEvent } from "../../src/runtime/surface-port.ts";
import {
  describeScript,
  type FaultScript,
  faultResponder,
  isOutcome,
  scriptIndexOf,
  statusOf,
} from "../helpers/fault-scripts.ts";
import {
  type RuntimeProcess,
  scenarioEnvironment,
  startRuntimeProcess,
  stopRuntimeProcess,
  useProcessScenario,
  waitUntil,
} from "../helpers/runtime-processes.ts";
import { scaled } from "../helpers/time-scale.ts";

/**
 * The in-process fault scripts (never-silent-over-random-fault-scripts.test.ts) with real
 * processes, a handful: the first is killed (SIGKILL) in a supervisor's model call, the second
 * stopped (SIGTERM) in another's; the next one resumes both. Every turn still ends visibly.
 */
const scripts: FaultScript[] = [
  {
    index: 0,
    provider: "anthropic",
    shape: "direct",
    faults: [{ kind: "sigkill", role: "supervisor", turn: 0 }],
  },
  {
    index: 1,
    provider: "anthropic",
    shape: "tool",
    faults: [{ kind: "empty-turn", role: "supervisor", turn: 1 }],
  },
  {
    index: 2,
    provider: "anthropic",
    shape: "worker",
    // The child retries server errors ten times: a refusal fails the worker at once.
    faults: [{ kind: "client-error", role: "worker", turn: 1 }],
  },
  {
    index: 3,
    provider: "anthropic",
    shape: "direct",
    faults: [{ kind: "sigterm", role: "supervisor", turn: 0 }],
  },
];

/** Surface events a child prints (PRINT_EVENTS), by session. */
function collectEvents(child: RuntimeProcess, into: Map<string, SurfaceEvent[]>): void {
  let buffer = "";
  child.child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("event ")) continue;
      const event = JSON.parse(line.slice("event ".length)) as SurfaceEvent;
      into.set(event.sessionId, [...(into.get(event.sessionId) ?? []), event]);
    }
  });
}

describe("never silent when the process dies (postgres)", () => {
  const scenario = useProcessScenario({ latencyMs: 0, name: "never-silent" });

  it("ends every turn visibly after a SIGKILL and a SIGTERM in the middle of model calls", {
    timeout: scaled(120_000),
  }, async () => {
    const seen = new Map<string, SurfaceEvent[]>();
    const environment = {
      ...scenarioEnvironment(scenario),
      LEASE_TTL_MS: "800",
      PRINT_EVENTS: "1",
      SEED_TEXT: "[script {session}] please do the thing",
    };
    const start = (extra: Record<string, string>) => {
      const child = startRuntimeProcess({ ...environment, ...extra });
      scenario.processes.push(child);
      collectEvents(child, seen);
      return child;
    };
    scenario.server.respondWith(
      faultResponder(scripts, (kind) => {
        if (kind === "sigkill") {
          first.child.kill("SIGKILL");
          second.go();
        } else {
          void stopRuntimeProcess(second).then(() => third.go());
        }
      }),
    );
    // Each instance alone with the session whose call it dies in: no other turn is mid-commit then.
    const first = start({ INSTANCE_ID: "first", SEED_FROM: "0", SEED_COUNT: "1" });
    const second = start({ INSTANCE_ID: "second", WAIT_FOR_GO: "1", SEED_FROM: "1", SEED_COUNT: "3" });
    const third = start({ INSTANCE_ID: "third", WAIT_FOR_GO: "1" });
    await Promise.all([second.loaded, third.loaded]);
    await first.ready;

    const sessionIds = async () =>
      (await scenario.handle.db.select().from(agents)).map((agent) => agent.sessionId);
    await waitUntil(
      async () => {
        const ids = [...new Set(await sessionIds())];
        const rows = await scenario.handle.db.select().from(agents).where(inArray(agents.sessionId, ids));
        const resting = rows.every(
          (agent) => agent.status !== "running" && agent.status !== "queued" && agent.leaseOwner === null,
        );
        return (
          ids.length === scripts.length && resting && [...seen.values()].some((list) => list.some(isOutcome))
        );
      },
      { timeoutMs: 60_000, message: () => `${first.errors()}${second.errors()}${third.errors()}` },
    );
    await waitUntil(
      () => seen.size === scripts.length && [...seen.values()].every((list) => list.some(isOutcome)),
      {
        timeoutMs: 10_000,
        message: () => [...seen.values()].map((list) => list.map((event) => event.type).join(" ")).join("\n"),
      },
    );
    await stopRuntimeProcess(third);

    const silent: string[] = [];
    for (const events of seen.values()) {
      const first = events.find((event) => event.type === "reply-completed" || event.type === "turn-failed");
      const index = scriptIndexOf(JSON.stringify(first ?? {}));
      const lastStatus = events
        .map(statusOf)
        .filter((status) => status !== undefined)
        .at(-1);
      if (!events.some(isOutcome) || lastStatus !== "rested") {
        silent.push(
          `${index === undefined ? "a script" : describeScript(scripts[index] as FaultScript)}: ${events.map((event) => event.type).join(" ")}`,
        );
      }
    }
    expect(silent, silent.join("\n")).toEqual([]);
    // The empty turn (script 1) and the worker's refusal (script 2) were said; both instances died mid-call.
    const all = [...seen.values()].flat();
    expect(all.some((event) => event.type === "turn-failed")).toBe(true);
    expect(all.some((event) => event.type === "agent-failed")).toBe(true);
    expect(first.child.signalCode).toBe("SIGKILL");
    expect(await second.exited).toBe(0);
  });
});
