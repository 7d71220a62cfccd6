import { shutdownPlan } from "../domain/shutdown-plan.ts";
import type { Logger } from "../logger.ts";
import type { StopDeadlines } from "../runtime/wake-scheduler.ts";

/** What `start()` started, each part optional because start-up may fail half-way. */
export interface RunningParts {
  surface?: {
    stopReceiving(): Promise<void>;
    stop(options: { deadline?: number }): Promise<{ flushed: boolean }>;
  };
  janitor?: { stop(): void };
  /** Metrics and traces: stopped last before the database, so the shutdown's own spans go out. */
  observability?: { stop(): Promise<void> | void };
  runtime?: { stop(deadlines: StopDeadlines): Promise<void> };
  database: { close(): Promise<void> };
}

function until(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work.then(() => true), late]).finally(() => clearTimeout(timer));
}

/**
 * Stops in the order that loses nothing, within `budgetMs`: Slack input and the queue
 * first; then running steps finish (or are interrupted and handed to the next instance);
 * then every pending Slack update goes out; the database closes last. Each phase is
 * logged at info.
 */
export async function shutDown(
  parts: RunningParts,
  options: { budgetMs: number; logger: Logger; now?: () => number },
): Promise<void> {
  const { logger } = options;
  const startedAt = (options.now ?? Date.now)();
  const plan = shutdownPlan(startedAt, options.budgetMs);
  const elapsed = () => Math.round(((options.now ?? Date.now)() - startedAt) / 100) / 10;
  logger.info({ budgetSeconds: options.budgetMs / 1000 }, "shutdown: started");

  if (parts.surface) {
    const stopped = await until(parts.surface.stopReceiving(), plan.receivingBy);
    if (stopped) logger.info({ seconds: elapsed() }, "shutdown: Slack input stopped");
    else logger.warn({ seconds: elapsed() }, "shutdown: Slack handlers still running; going on");
  }
  parts.janitor?.stop();
  if (parts.runtime) {
    await parts.runtime.stop({ drainBy: plan.drainBy, abortedBy: plan.abortedBy });
    logger.info({ seconds: elapsed() }, "shutdown: agents stopped and leases released");
  }
  if (parts.surface) {
    const { flushed } = await parts.surface.stop({ deadline: plan.flushBy });
    if (flushed) logger.info({ seconds: elapsed() }, "shutdown: every pending Slack update sent");
    else logger.warn({ seconds: elapsed() }, "shutdown: Slack updates left unsent at the deadline");
  }
  if (parts.observability) {
    const exported = await until(
      Promise.resolve(parts.observability.stop()),
      (plan.flushBy + plan.exitBy) / 2,
    );
    if (!exported) logger.warn({ seconds: elapsed() }, "shutdown: telemetry not flushed at the deadline");
  }
  await parts.database.close();
  logger.info({ seconds: elapsed() }, "shutdown: complete");
}
