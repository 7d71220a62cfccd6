import { describe, expect, it } from "vitest";
import { benchmarkWorkspaces } from "../../bench/support/benchmark-workspace.ts";

// Timings are reported by `npm run bench`, never asserted: this only proves the benchmark runs.
describe("workspace benchmark", () => {
  it("measures every method on a small generated repository", async () => {
    const result = await benchmarkWorkspaces({ fileCount: 40, iterations: 1, includeIsomorphic: true });
    for (const timing of [
      result.createWorkspace,
      result.worktreeAdd,
      result.cloneLocal,
      result.cloneShared,
    ]) {
      expect(timing.samplesMs).toHaveLength(1);
    }
    expect(result.isomorphicCheckout?.samplesMs).toHaveLength(1);
    expect(result.ratioToWorktreeAdd).toBeGreaterThan(0);
    expect(result.commit.threadwork.samplesMs).toHaveLength(1);
  });
});
