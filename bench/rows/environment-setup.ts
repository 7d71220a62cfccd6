import { benchmarkSetup } from "../support/benchmark-setup.ts";
import { mebibytes, round } from "../support/stats.ts";
import type { BenchRow } from "../support/types.ts";

const seconds = (ms: number) => `${round(ms / 1000, 2)} s`;

/** Row 8: environment setup of a new workspace, the first of a lock file and a cached one. */
export const environmentSetupRow: BenchRow = {
  row: 8,
  name: "Environment setup",
  async run(context) {
    const result = await benchmarkSetup(
      context.quick
        ? { packages: 15, filesPerPackage: 20, iterations: 2 }
        : { packages: 150, filesPerPackage: 60, iterations: 3 },
    );
    return {
      scale: `npm ci of ${result.packages} dependencies (${result.files} files, ${mebibytes(result.bytes)} MiB) from a local registry, median of ${result.firstMs.length}`,
      lines: [
        {
          label: "setup, first workspace of a lock file",
          figure: seconds(result.firstMedianMs),
          target: "(npm ci in the sandbox, then cached)",
          met: undefined,
        },
        {
          label: "setup, next workspace (cached)",
          figure: `${seconds(result.cachedMedianMs)} = ${result.ratio}× the first`,
          target: "≤ 0.5× the first",
          met: result.ratio <= 0.5,
        },
      ],
      notes: [
        "The registry is on 127.0.0.1, so the first setup pays no download time: over the internet the first is slower and the ratio smaller.",
        "The cache is restored with cp -a --reflink=auto: copy-on-write clones on btrfs/XFS, full copies elsewhere; never hardlinks, which one workspace could use to change another's dependencies.",
      ],
      details: { ...result },
    };
  },
};
