import { type ProcessScenario, type RuntimeProcess, startRuntimeProcess } from "./runtime-processes.ts";

/**
 * Starts a runtime process with `first`'s environment and a standby one, `standbyId`, that loads now
 * but starts its runtime only on `go()`; resolves once the first is ready and the standby loaded.
 */
export async function startRuntimeWithStandby(
  scenario: ProcessScenario,
  environment: Record<string, string>,
  first: Record<string, string>,
  standbyId: string,
): Promise<{ first: RuntimeProcess; second: RuntimeProcess }> {
  const started = startRuntimeProcess({ ...environment, ...first });
  const second = startRuntimeProcess({ ...environment, INSTANCE_ID: standbyId, WAIT_FOR_GO: "1" });
  scenario.processes.push(started, second);
  await Promise.all([started.ready, second.loaded]);
  return { first: started, second };
}
