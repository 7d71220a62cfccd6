/**
 * The system under test: the real runtime (and, when asked, the real Slack surface) on its
 * own database connection, talking to the fakes the bench process hosts. Usually it runs in
 * its own process (`app-process.ts`); quick runs on PGlite keep it in the bench process.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { quietEventTypes } from "../../src/adapters/database/agent-sweeps.ts";
import { migrateDatabase } from "../../src/adapters/database/migrate.ts";
import { type DatabaseHandle, openDatabase } from "../../src/adapters/database/open-database.ts";
import type { Config } from "../../src/config/config.ts";
import type { ModelProvider } from "../../src/domain/model.ts";
import { defineTool } from "../../src/domain/tool.ts";
import { createSilentLogger } from "../../src/logger.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import type { RuntimeOptions } from "../../src/runtime/runtime-context.ts";
import { createSlackSurface, type SlackSurface } from "../../src/surfaces/slack/create-slack-surface.ts";
import { createDatabaseSlackStore } from "../../src/surfaces/slack/database-slack-store.ts";
import { benchMarker } from "./fake-agents.ts";
import { startBenchRuntime } from "./runtime.ts";
import { benchQueryMarker, countPostgresStatements } from "./statement-counter.ts";
import { wallClockMs } from "./stats.ts";

export interface AppProcessConfig {
  /** Postgres; without it the process opens its own PGlite in a fresh data directory, as `main.ts` does. */
  databaseUrl: string | undefined;
  anthropicBaseUrl: string;
  instanceId: string;
  limits?: Partial<Config["limits"]>;
  runtimeOptions?: Partial<RuntimeOptions>;
  slack?: { apiUrl: string; botToken: string; signingSecret: string; boardIntervalMs?: number };
}

export interface IdleReport {
  /** Sum of `agents.step`: every persisted step. */
  steps: number;
  agents: number;
  workersDone: number;
  /** First session created and last agent update, from the database (ms since the epoch). */
  firstCreatedMs: number;
  lastUpdatedMs: number;
  /** (agent, step) pairs with more than one usage row: a model step persisted twice. */
  duplicatedUsageSteps: number;
  /** Sub-agents that failed or were cancelled: they will never be done. */
  workersEnded: number;
  /** Sub-agents not done, by status, with a reason: "failed 3 (model call failed: …)". */
  otherWorkers: string;
}

export interface AppStats {
  /** Per bench marker: [start, end, start, end, …] of model calls and tool runs, in order. */
  intervals: Record<string, number[]>;
  /** Per `marker:turn`: how often the bench tool ran. */
  toolRuns: Record<string, number>;
  baselineRssBytes: number;
  peakRssBytes: number;
  /** VmHWM from /proc: the kernel's own peak since `start` finished (reset there). */
  highWaterRssBytes: number | undefined;
  /** VmHWM when `start` finished: the peak of opening the database and starting the runtime. */
  startupHighWaterRssBytes: number | undefined;
  /** CPU time (user + system) the app's process used since `start` finished. */
  cpuMs: number;
  /** The longest the app's event loop was blocked since `start` finished, and its p99. */
  eventLoopDelayMaxMs: number;
  eventLoopDelayP99Ms: number;
  /** Statements the app's process sent to Postgres since `start` finished (undefined on PGlite). */
  statements: number | undefined;
  /** The same by kind (prepared name or the start of the text), most frequent first. */
  statementsByKind: Record<string, number> | undefined;
  /**
   * The Slack surface's own first-feedback times (its `firstFeedback` telemetry): from its
   * listener taking a message on the main thread to Slack answering the feedback call.
   */
  firstFeedbackInAppMs: number[];
}

/** What the bench can ask of the app, in or out of process. */
export interface BenchApp {
  start(config: AppProcessConfig): Promise<{ slackPort?: number }>;
  handleMessages(params: unknown): Promise<{ accepted: number }>;
  report(): Promise<IdleReport & { busy: number; pendingEvents: number }>;
  waitIdle(params: unknown): Promise<IdleReport>;
  stats(): Promise<AppStats>;
  /** Starts the stats over: CPU, statements, timings and tool runs (after a warm-up). */
  resetStats(): Promise<void>;
  stop(options?: { drainMs?: number }): Promise<StopReport>;
}

export interface StopReport {
  /** False when the Slack surface still had paced calls queued after `drainMs` and they were dropped. */
  slackDrained: boolean;
}

/** How long stop waits for the Slack surface's paced output before dropping it. */
const defaultDrainMs = 15_000;

function highWaterRss(): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resets VmHWM to the current RSS (Linux 4.0+), so the kernel's peak covers the workload
 * only and not the start-up (PGlite's first start runs initdb in a second instance).
 */
function resetHighWaterRss(): void {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // Not Linux, or not allowed: the peak then includes the start-up.
  }
}

/** Every table of ours, emptied between rows when an app reuses a database. */
const tables = [
  "usage_ledger",
  "tool_calls",
  "approval_rules",
  "requests",
  "context_entries",
  "events",
  "transcript_messages",
  "surface_messages",
  "processed_events",
  "agents",
  "sessions",
];

const messageSchema = z.object({
  messages: z.array(z.object({ conversationKey: z.string(), text: z.string(), userId: z.string() })),
});

/**
 * Builds the app. With `shared`, it runs on that open database and empties it on stop
 * instead of closing it, so a quick run pays PGlite's start-up once.
 */
export function createBenchApp(shared?: DatabaseHandle): BenchApp {
  const intervals = new Map<string, number[]>();
  const toolRuns = new Map<string, number>();
  let baselineRssBytes = process.memoryUsage.rss();
  let peakRssBytes = baselineRssBytes;
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  }, 25);
  sampler.unref();
  let handle: DatabaseHandle | undefined;
  let runtime: Runtime | undefined;
  let surface: SlackSurface | undefined;
  let cpuAtStart = process.cpuUsage();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let statementCounter: ReturnType<typeof countPostgresStatements> | undefined;
  let statementsAtStart = 0;
  let statementsByKindAtStart = new Map<string, number>();
  let startupHighWaterRssBytes: number | undefined;
  let dataDirectory: string | undefined;
  const firstFeedbackInAppMs: number[] = [];

  /** CPU, statements and event-loop delay count from here. */
  function startMeasuring(): void {
    cpuAtStart = process.cpuUsage();
    statementsAtStart = statementCounter?.read() ?? 0;
    statementsByKindAtStart = statementCounter?.readByKind() ?? new Map();
    loopDelay.reset();
  }

  function record(marker: string | undefined, start: number, end: number): void {
    if (!marker) return;
    const list = intervals.get(marker) ?? [];
    list.push(start, end);
    intervals.set(marker, list);
  }

  /** Times every model call from the outside, keyed by the conversation's bench marker. */
  function timedProvider(provider: ModelProvider): ModelProvider {
    return {
      name: provider.name,
      async turn(request) {
        const first =
          request.messages[0]?.parts.map((part) => ("text" in part ? part.text : "")).join("") ?? "";
        const start = wallClockMs();
        try {
          return await provider.turn(request);
        } finally {
          record(benchMarker(first), start, wallClockMs());
        }
      },
    };
  }

  /** The tool the fake LLM calls for every tool turn: it does nothing but get timed. */
  const benchStepTool = defineTool({
    name: "bench_step",
    description: "Look something up for the task.",
    input: z.object({ agent: z.string(), turn: z.number(), text: z.string().optional() }),
    risk: "safe",
    async execute(input) {
      const start = wallClockMs();
      const key = `${input.agent}:${input.turn}`;
      toolRuns.set(key, (toolRuns.get(key) ?? 0) + 1);
      record(input.agent, start, wallClockMs());
      return input.text ?? `looked up item ${input.turn}`;
    },
  });

  async function report(): Promise<IdleReport & { busy: number; pendingEvents: number }> {
    if (!handle) throw new Error("not started");
    // Events that start no turn (held replies, progress) wait for the next one: they are not work left.
    const quiet = sql.join(
      quietEventTypes.map((type) => sql`${type}`),
      sql`, `,
    );
    // Marked, so the statement counter leaves the bench's own polling out of the app's figures.
    const result = await handle.db.execute<Record<string, unknown>>(sql`${sql.raw(benchQueryMarker)}
      select
        coalesce(sum(step), 0)::bigint as steps,
        count(*)::int as agents,
        count(*) filter (where role = 'worker' and status = 'done')::int as workers_done,
        count(*) filter (where lease_owner is not null or status in ('queued', 'running'))::int as busy,
        (select count(*)::int from events where target_agent_id is not null and consumed_at is null
          and type not in (${quiet})) as pending_events,
        (select extract(epoch from min(created_at)) * 1000 from sessions) as first_created,
        extract(epoch from max(updated_at)) * 1000 as last_updated,
        (select count(*)::int from (select agent_id, step from usage_ledger group by 1, 2 having count(*) > 1) d)
          as duplicated,
        count(*) filter (where role = 'worker' and status in ('failed', 'cancelled'))::int as workers_ended,
        (select string_agg(line, '; ') from (
          select status || ' ' || count(*) || coalesce(' (' || min(left(status_reason, 160)) || ')', '') as line
          from agents where role = 'worker' and status <> 'done' group by status) lines) as other_workers
      from agents`);
    const row = result.rows[0] ?? {};
    return {
      steps: Number(row.steps ?? 0),
      agents: Number(row.agents ?? 0),
      workersDone: Number(row.workers_done ?? 0),
      busy: Number(row.busy ?? 0),
      pendingEvents: Number(row.pending_events ?? 0),
      firstCreatedMs: Number(row.first_created ?? 0),
      lastUpdatedMs: Number(row.last_updated ?? 0),
      duplicatedUsageSteps: Number(row.duplicated ?? 0),
      workersEnded: Number(row.workers_ended ?? 0),
      otherWorkers: typeof row.other_workers === "string" ? row.other_workers : "",
    };
  }

  function statementsSince(now: Map<string, number>): Record<string, number> {
    const counts = [...now]
      .map(([kind, count]) => [kind, count - (statementsByKindAtStart.get(kind) ?? 0)] as const)
      .filter(([, count]) => count > 0)
      .sort((left, right) => right[1] - left[1]);
    return Object.fromEntries(counts);
  }

  return {
    async start(config) {
      const logger = createSilentLogger();
      if (config.databaseUrl) statementCounter = countPostgresStatements();
      if (shared) handle = shared;
      else {
        if (!config.databaseUrl) dataDirectory = await mkdtemp(path.join(tmpdir(), "threadwork-bench-"));
        handle = await openDatabase({ url: config.databaseUrl, dataDir: dataDirectory ?? "", logger });
        if (!config.databaseUrl) await migrateDatabase(handle);
      }
      runtime = await startBenchRuntime({
        handle,
        anthropicBaseUrl: config.anthropicBaseUrl,
        instanceId: config.instanceId,
        limits: config.limits,
        options: config.runtimeOptions,
        workerTools: [benchStepTool],
        wrapProvider: timedProvider,
      });
      let slackPort: number | undefined;
      if (config.slack) {
        surface = createSlackSurface({
          config: {
            botToken: config.slack.botToken,
            signingSecret: config.slack.signingSecret,
            appToken: undefined,
            apiUrl: config.slack.apiUrl,
            port: 0,
          },
          runtime,
          store: createDatabaseSlackStore(handle.db),
          logger,
          health: async () => ({ database: true, queue: true }),
          telemetry: {
            firstFeedback: (_surface, seconds) => firstFeedbackInAppMs.push(seconds * 1000),
            firstReply: () => undefined,
          },
          host: "127.0.0.1",
          ...(config.slack.boardIntervalMs
            ? { timing: { boardIntervalMs: config.slack.boardIntervalMs } }
            : {}),
        });
        slackPort = (await surface.start()).port;
      }
      startupHighWaterRssBytes = highWaterRss();
      resetHighWaterRss();
      baselineRssBytes = process.memoryUsage.rss();
      peakRssBytes = baselineRssBytes;
      startMeasuring();
      return slackPort === undefined ? {} : { slackPort };
    },

    async handleMessages(params) {
      const { messages } = messageSchema.parse(params);
      const active = runtime;
      if (!active) throw new Error("not started");
      const outcomes = await Promise.all(
        messages.map((message) =>
          active.handle({
            type: "user-message",
            key: { surface: "bench", conversationKey: message.conversationKey },
            userId: message.userId,
            text: message.text,
          }),
        ),
      );
      return { accepted: outcomes.filter((outcome) => outcome.type === "message-accepted").length };
    },

    report,

    /** Resolves once `workers` sub-agents are done and nothing runs or waits to run. */
    async waitIdle(params) {
      const { workers, timeoutMs } = z.object({ workers: z.number(), timeoutMs: z.number() }).parse(params);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = await report();
        const settled = current.busy === 0 && current.pendingEvents === 0;
        if (current.workersDone >= workers && settled) return current;
        if (current.workersDone + current.workersEnded >= workers && settled) {
          throw new Error(
            `${current.workersEnded} of ${workers} sub-agents ended without finishing: ${current.otherWorkers}`,
          );
        }
        if (Date.now() > deadline) {
          throw new Error(
            `timed out: ${current.workersDone}/${workers} sub-agents done, ${current.busy} busy, ${current.pendingEvents} events pending`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },

    async stats() {
      return {
        intervals: Object.fromEntries(intervals),
        toolRuns: Object.fromEntries(toolRuns),
        baselineRssBytes,
        peakRssBytes: Math.max(peakRssBytes, process.memoryUsage.rss()),
        highWaterRssBytes: highWaterRss(),
        startupHighWaterRssBytes,
        cpuMs: (() => {
          const used = process.cpuUsage(cpuAtStart);
          return (used.user + used.system) / 1000;
        })(),
        statements: statementCounter ? statementCounter.read() - statementsAtStart : undefined,
        statementsByKind: statementCounter ? statementsSince(statementCounter.readByKind()) : undefined,
        firstFeedbackInAppMs,
        eventLoopDelayMaxMs: Math.round(loopDelay.max / 1e6),
        eventLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e6),
      };
    },

    async resetStats() {
      intervals.clear();
      toolRuns.clear();
      startMeasuring();
    },

    async stop(options) {
      clearInterval(sampler);
      loopDelay.disable();
      // Slack's per-workspace limits can leave minutes of paced output queued (one workspace,
      // thousands of replies); the bench waits a bounded time for it, then says it dropped it.
      let slackDrained = true;
      if (surface) {
        const drainMs = options?.drainMs ?? defaultDrainMs;
        let timer: NodeJS.Timeout | undefined;
        slackDrained = await Promise.race([
          surface.stop().then(() => true),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), drainMs);
          }),
        ]);
        clearTimeout(timer);
      }
      await runtime?.stop();
      if (!handle) return { slackDrained };
      if (shared) await handle.db.execute(sql.raw(`truncate ${tables.join(", ")} restart identity cascade`));
      else await handle.close();
      if (dataDirectory) await rm(dataDirectory, { recursive: true, force: true });
      return { slackDrained };
    },
  };
}
