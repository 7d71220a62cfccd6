import { availableParallelism, loadavg } from "node:os";

/**
 * How many times longer than on an idle machine a wait may take here. `TEST_TIME_SCALE` when set;
 * otherwise at least 2, and one more for each runnable process per core at start, up to 10.
 * vitest.config.ts computes it once and hands it to every worker through the environment, so test
 * timeouts and the waits in helpers grow together.
 */
export function machineTimeScale(environment: NodeJS.ProcessEnv = process.env): number {
  const configured = Number(environment.TEST_TIME_SCALE);
  if (environment.TEST_TIME_SCALE !== undefined && Number.isFinite(configured) && configured > 0)
    return configured;
  const [lastMinute = 0] = loadavg();
  return Math.min(10, Math.max(2, 1 + lastMinute / availableParallelism()));
}

export const timeScale = machineTimeScale();

/** `milliseconds` measured on an idle machine, stretched to this one. */
export function scaled(milliseconds: number): number {
  return Math.round(milliseconds * timeScale);
}
