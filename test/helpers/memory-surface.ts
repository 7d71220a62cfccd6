import type { RuntimeApi } from "../../src/runtime/runtime-api.ts";
import { createMemorySurface as createUnscaledMemorySurface } from "../../src/surfaces/memory-surface.ts";
import { scaled } from "./time-scale.ts";

type MemorySurface = ReturnType<typeof createUnscaledMemorySurface>;

/**
 * The in-memory surface with its waits stretched to the machine: `waitFor`'s `timeoutMs` (20 s when
 * not given) is the wait on an idle machine, as in `eventually`.
 */
export function createMemorySurface(
  runtime: RuntimeApi,
  options?: Parameters<typeof createUnscaledMemorySurface>[1],
): MemorySurface {
  const surface = createUnscaledMemorySurface(runtime, options);
  const unscaled = surface.waitFor;
  surface.waitFor = ((
    predicate: (event: unknown) => boolean,
    waitOptions: { timeoutMs?: number; after?: number } = {},
  ) =>
    unscaled(predicate, {
      ...waitOptions,
      timeoutMs: scaled(waitOptions.timeoutMs ?? 20_000),
    })) as MemorySurface["waitFor"];
  return surface;
}
