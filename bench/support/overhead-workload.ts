import {
  type FakeLlmResponder,
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../../test/fakes/fake-llm-server.ts";
import type { AppProcessConfig, AppStats } from "./app.ts";
import type { AppClient } from "./app-client.ts";
import { startApp } from "./app-client.ts";
import { finishedCount, isSupervisorRequest, justSpawned, markerOf } from "./fake-agents.ts";
import { type PostgresCpuSampler, samplePostgresCpu } from "./postgres-cpu.ts";
import { percentile, round, sum, wallClockMs } from "./stats.ts";
import type { BenchContext } from "./types.ts";

export interface OverheadWorkload {
  sessions: number;
  workersPerSession: number;
  toolTurns: number;
  modelLatencyMs: number;
}

export function describeWorkload(workload: OverheadWorkload): string {
  return `${workload.sessions} sessions × ${workload.workersPerSession} sub-agents × ${workload.toolTurns} tool turns`;
}

/**
 * The fake LLM's side of the workload: each supervisor spawns its sub-agents in one turn;
 * each sub-agent calls `bench_step` `toolTurns` times, then answers in text (which ends it).
 * Counts model calls per agent and turn, so a duplicated step shows.
 */
export function overheadResponder(workload: OverheadWorkload, calls: Map<string, number>): FakeLlmResponder {
  const delayMs = workload.modelLatencyMs;
  return (request) => {
    const marker = markerOf(request) ?? "unknown";
    const key = `${marker}:${request.turnIndex}:${request.messages.length}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    if (isSupervisorRequest(request)) {
      if (request.turnIndex === 0) {
        return toolCallResponse(
          Array.from({ length: workload.workersPerSession }, (_, index) => ({
            name: "spawn_agent",
            input: {
              title: `Part ${index + 1}`,
              brief: `[bench:${marker}w${index}] Do part ${index + 1} of the task.`,
            },
          })),
          { delayMs },
        );
      }
      if (justSpawned(request)) return textResponse("Started the parts.", { delayMs });
      if (finishedCount(request) >= workload.workersPerSession)
        return textResponse("All parts are done.", { delayMs });
      return textResponse("Noted.", { delayMs });
    }
    if (request.turnIndex < workload.toolTurns) {
      return toolCallResponse([{ name: "bench_step", input: { agent: marker, turn: request.turnIndex } }], {
        delayMs,
      });
    }
    return textResponse(`Part ${marker} is done.`, { delayMs });
  };
}

export interface OverheadResult {
  workload: OverheadWorkload;
  processes: number;
  wallMs: number;
  steps: number;
  stepsPerSecond: number;
  /** Per step of a sub-agent: time between one model call or tool run ending and the next starting. */
  overheadP50Ms: number;
  overheadP90Ms: number;
  overheadP99Ms: number;
  overheadSamples: number;
  /** Model calls as the runtime saw them (HTTP, SDK, latency). */
  modelCallP50Ms: number;
  /** Wall time minus time waiting on the model, summed over sub-agents, per sub-agent step. */
  meanOverheadMs: number;
  duplicatedModelCalls: number;
  duplicatedToolRuns: number;
  duplicatedUsageSteps: number;
  baselineRssBytes: number[];
  peakRssBytes: number[];
  highWaterRssBytes: (number | undefined)[];
  startupHighWaterRssBytes: (number | undefined)[];
  /** Most sub-agent model calls the fake LLM held at once. */
  peakConcurrentWorkerCalls: number;
  /** Most sub-agents alive at once: from their first model call to their last answer. */
  peakAliveWorkers: number;
  /** CPU time of the app processes per persisted step. */
  appCpuMsPerStep: number;
  /** The longest any app process's event loop was blocked during the workload. */
  eventLoopDelayMaxMs: number;
  /** Statements the app processes sent per persisted step (Postgres only). */
  statementsPerStep: number | undefined;
  /** The same by kind (prepared name or start of the text), the 20 most frequent. */
  statementsPerStepByKind: Record<string, number> | undefined;
  /** CPU time of the database's Postgres backends per persisted step (local Postgres only). */
  postgresCpuMsPerStep: number | undefined;
  /** The app ran in the bench process, so RSS includes the fakes. */
  inProcess: boolean;
}

/** Most intervals that overlap at one instant. */
function peakOverlap(intervals: [number, number][]): number {
  const edges = intervals.flatMap(([start, end]) => [
    [start, 1],
    [end, -1],
  ]);
  edges.sort((left, right) => (left[0] ?? 0) - (right[0] ?? 0) || (left[1] ?? 0) - (right[1] ?? 0));
  let current = 0;
  let best = 0;
  for (const [, change] of edges) {
    current += change ?? 0;
    best = Math.max(best, current);
  }
  return best;
}

/** Gaps between a sub-agent's consecutive external calls: each is one step's own work. */
function analyse(stats: AppStats[]): { gaps: number[]; modelCalls: number[] } {
  const merged = new Map<string, number[][]>();
  for (const stat of stats) {
    for (const [marker, list] of Object.entries(stat.intervals)) {
      if (!/w\d+$/.test(marker)) continue;
      const pairs = merged.get(marker) ?? [];
      for (let index = 0; index + 1 < list.length; index += 2)
        pairs.push([list[index] ?? 0, list[index + 1] ?? 0]);
      merged.set(marker, pairs);
    }
  }
  const gaps: number[] = [];
  const modelCalls: number[] = [];
  for (const pairs of merged.values()) {
    pairs.sort((left, right) => (left[0] ?? 0) - (right[0] ?? 0));
    pairs.forEach((pair, index) => {
      const duration = (pair[1] ?? 0) - (pair[0] ?? 0);
      if (duration > 0.5) modelCalls.push(duration);
      const next = pairs[index + 1];
      if (next) gaps.push(Math.max(0, (next[0] ?? 0) - (pair[1] ?? 0)));
    });
  }
  return { gaps, modelCalls };
}

/**
 * Runs the workload on `processes` app processes sharing one database; the fake LLM runs
 * here, in the bench process. Sessions go round-robin to the processes, as a load balancer would.
 */
export async function runOverheadWorkload(
  context: BenchContext,
  options: {
    workload: OverheadWorkload;
    processes: number;
    label: string;
    timeoutMs: number;
    appConfig?: Partial<AppProcessConfig>;
    /**
     * Sessions each process runs first, outside the figures, so every process measures with
     * its JIT warm (else the second of two processes pays the compile twice over fewer steps).
     */
    warmUpSessions?: number;
  },
): Promise<OverheadResult> {
  const { workload } = options;
  if (options.processes > 1 && context.databases.kind !== "postgres") {
    throw new Error("several processes need one Postgres database");
  }
  const calls = new Map<string, number>();
  const respond = overheadResponder(workload, calls);
  let inFlight = 0;
  let peakConcurrentWorkerCalls = 0;
  const lifetimes = new Map<string, [number, number]>();
  const server: FakeLlmServer = await startFakeLlmServer({
    recordRequests: false,
    responder: (request) => {
      if (!isSupervisorRequest(request)) {
        const marker = markerOf(request) ?? "";
        const now = Date.now();
        const lifetime = lifetimes.get(marker) ?? [now, now];
        lifetime[1] = now + workload.modelLatencyMs;
        lifetimes.set(marker, lifetime);
      }
      if (!isSupervisorRequest(request) && workload.modelLatencyMs > 0) {
        inFlight += 1;
        peakConcurrentWorkerCalls = Math.max(peakConcurrentWorkerCalls, inFlight);
        setTimeout(() => {
          inFlight -= 1;
        }, workload.modelLatencyMs).unref();
      }
      return respond(request);
    },
  });
  const database =
    context.databases.kind === "postgres" ? await context.databases.create(options.label) : undefined;
  const apps: AppClient[] = [];
  let postgresCpu: PostgresCpuSampler | undefined;
  try {
    for (let index = 0; index < options.processes; index += 1) {
      apps.push(
        await startApp(context, {
          databaseUrl: database?.url,
          anthropicBaseUrl: server.anthropicBaseUrl,
          instanceId: `bench-${index}`,
          ...options.appConfig,
        }),
      );
    }
    const warmUpSessions = options.warmUpSessions ?? 0;
    let warmUpSteps = 0;
    if (warmUpSessions > 0) {
      await Promise.all(
        apps.map((app, index) =>
          app.handleMessages(
            Array.from({ length: warmUpSessions }, (_, session) => ({
              conversationKey: `bench-warm${index}-s${session}`,
              text: `[bench:warm${index}x${session}] Split the task into ${workload.workersPerSession} parts.`,
              userId: "U0BENCH",
            })),
          ),
        ),
      );
      const warm = await apps[0]?.waitIdle(
        apps.length * warmUpSessions * workload.workersPerSession,
        options.timeoutMs,
      );
      warmUpSteps = warm?.steps ?? 0;
      await Promise.all(apps.map((app) => app.resetStats()));
    }
    const warmUpWorkers = apps.length * warmUpSessions * workload.workersPerSession;
    const batches = apps.map(() => [] as { conversationKey: string; text: string; userId: string }[]);
    for (let session = 0; session < workload.sessions; session += 1) {
      batches[session % apps.length]?.push({
        conversationKey: `bench-s${session}`,
        text: `[bench:s${session}] Split the task into ${workload.workersPerSession} parts.`,
        userId: "U0BENCH",
      });
    }
    postgresCpu = database ? await samplePostgresCpu(database.url) : undefined;
    const started = wallClockMs();
    await Promise.all(apps.map((app, index) => app.handleMessages(batches[index] ?? [])));
    const finished = await apps[0]?.waitIdle(
      warmUpWorkers + workload.sessions * workload.workersPerSession,
      options.timeoutMs,
    );
    if (!finished) throw new Error("no app process");
    const idle = { ...finished, steps: finished.steps - warmUpSteps };
    const stats = await Promise.all(apps.map((app) => app.stats()));
    const postgresCpuMs = await postgresCpu?.stop();
    postgresCpu = undefined;
    const statements = stats.every((stat) => stat.statements !== undefined)
      ? sum(stats.map((stat) => stat.statements ?? 0))
      : undefined;
    const wallMs = idle.lastUpdatedMs - started;
    const { gaps, modelCalls } = analyse(stats);
    const toolRuns = new Map<string, number>();
    for (const stat of stats) {
      for (const [key, count] of Object.entries(stat.toolRuns))
        toolRuns.set(key, (toolRuns.get(key) ?? 0) + count);
    }
    const workerSteps = workload.sessions * workload.workersPerSession * (2 * workload.toolTurns + 1);
    return {
      workload,
      processes: options.processes,
      wallMs: round(wallMs, 0),
      steps: idle.steps,
      stepsPerSecond: round(idle.steps / (wallMs / 1000), 1),
      overheadP50Ms: round(percentile(gaps, 0.5), 2),
      overheadP90Ms: round(percentile(gaps, 0.9), 2),
      overheadP99Ms: round(percentile(gaps, 0.99), 2),
      overheadSamples: gaps.length,
      modelCallP50Ms: round(percentile(modelCalls, 0.5), 1),
      meanOverheadMs: round(sum(gaps) / Math.max(1, workerSteps), 2),
      duplicatedModelCalls: [...calls.values()].filter((count) => count > 1).length,
      duplicatedToolRuns: [...toolRuns.values()].filter((count) => count > 1).length,
      duplicatedUsageSteps: idle.duplicatedUsageSteps,
      baselineRssBytes: stats.map((stat) => stat.baselineRssBytes),
      peakRssBytes: stats.map((stat) => stat.peakRssBytes),
      highWaterRssBytes: stats.map((stat) => stat.highWaterRssBytes),
      startupHighWaterRssBytes: stats.map((stat) => stat.startupHighWaterRssBytes),
      peakConcurrentWorkerCalls,
      peakAliveWorkers: peakOverlap([...lifetimes.values()]),
      appCpuMsPerStep: round(sum(stats.map((stat) => stat.cpuMs)) / Math.max(1, idle.steps), 2),
      eventLoopDelayMaxMs: Math.max(...stats.map((stat) => stat.eventLoopDelayMaxMs)),
      statementsPerStep:
        statements === undefined ? undefined : round(statements / Math.max(1, idle.steps), 1),
      statementsPerStepByKind: statementsByKindPerStep(stats, idle.steps),
      postgresCpuMsPerStep:
        postgresCpuMs === undefined ? undefined : round(postgresCpuMs / Math.max(1, idle.steps), 2),
      inProcess: apps.some((app) => app.inProcess),
    };
  } finally {
    await postgresCpu?.stop().catch(() => undefined);
    await Promise.all(apps.map((app) => app.stop()));
    await server.close();
    await database?.drop();
  }
}

/** Statements per step by kind, summed over the app processes; undefined on PGlite. */
function statementsByKindPerStep(stats: AppStats[], steps: number): Record<string, number> | undefined {
  if (!stats.every((stat) => stat.statementsByKind !== undefined)) return undefined;
  const totals = new Map<string, number>();
  for (const stat of stats) {
    for (const [kind, count] of Object.entries(stat.statementsByKind ?? {}))
      totals.set(kind, (totals.get(kind) ?? 0) + count);
  }
  const perStep = [...totals]
    .sort((left, right) => right[1] - left[1])
    .slice(0, 20)
    .map(([kind, count]) => [kind, round(count / Math.max(1, steps), 3)] as const);
  return Object.fromEntries(perStep);
}
