import { describe, expect, it } from "vitest";
import { benchmarkSetup } from "../../bench/support/benchmark-setup.ts";

// Timings are reported by `npm run bench`, never asserted: this only proves the benchmark runs.
describe("environment setup benchmark", () => {
  it("measures a first and a cached setup of a small generated package", async () => {
    const result = await benchmarkSetup({ packages: 3, filesPerPackage: 2, iterations: 1 });
    expect(result.firstMs).toHaveLength(1);
    expect(result.cachedMs).toHaveLength(1);
    expect(result.files).toBe(9);
    expect(result.ratio).toBeGreaterThan(0);
  });
});
