import { benchmarkRestore } from "../support/benchmark-restore.ts";
import { benchmarkSetup } from "../support/benchmark-setup.ts";
import { mebibytes, round } from "../support/stats.ts";
import type { BenchRow } from "../support/types.ts";

const seconds = (ms: number) => `${round(ms / 1000, 2)} s`;
const megabytes = (bytes: number) => round(bytes / 1_000_000, 2);

/**
 * Row 8: environment setup of a new workspace, the first of a lock file and a cached one, then a
 * synthetic monorepo-sized node_modules restored into new workspaces: time and new disk each.
 */
export const environmentSetupRow: BenchRow = {
  row: 8,
  name: "Environment setup",
  async run(context) {
    const result = await benchmarkSetup(
      context.quick
        ? { packages: 15, filesPerPackage: 20, iterations: 2 }
        : { packages: 150, filesPerPackage: 60, iterations: 3 },
    );
    context.progress("setup: restoring a synthetic node_modules");
    const large = await benchmarkRestore(
      context.quick
        ? { files: 3_000, bytes: 50_000_000, workspaces: 3 }
        : { files: 30_000, bytes: 500_000_000, workspaces: 5 },
    );
    const restoreTarget = context.quick ? "≤ 100 ms (500 MB target; quick is 50 MB)" : "≤ 100 ms";
    return {
      scale:
        `npm ci of ${result.packages} dependencies (${result.files} files, ${mebibytes(result.bytes)} MiB) from a local registry, median of ${result.firstMs.length}; ` +
        `a synthetic node_modules of ${large.files} files, ${megabytes(large.bytes)} MB restored into ${large.restoreMs.length} workspaces`,
      lines: [
        {
          label: "setup, first workspace of a lock file",
          figure: seconds(result.firstMedianMs),
          target: "(npm ci in the sandbox, then cached)",
          met: undefined,
        },
        {
          label: "setup, next workspace (cached)",
          figure: `${round(result.cachedMedianMs)} ms = ${round(result.cachedMedianMs / result.firstMedianMs, 3)}× the first; ${megabytes(result.restoredBytes)} MB new disk`,
          target: "≤ 0.5× the first",
          met: result.ratio <= 0.5,
        },
        {
          label: `cached restore, ${large.files} files / ${megabytes(large.bytes)} MB`,
          figure: `${round(large.restoreMedianMs, 1)} ms (copy: ${seconds(large.copyRestoreMs)}); first store ${seconds(large.storeMs)}`,
          target: restoreTarget,
          met: large.restoreMedianMs <= 100,
        },
        {
          label: "new disk per workspace",
          figure: `${megabytes(large.diskPerWorkspaceBytes)} MB (copy: ${megabytes(large.copyDiskBytes)} MB)`,
          target: "≤ 10 MB",
          met: large.diskPerWorkspaceBytes <= 10_000_000,
        },
      ],
      notes: [
        "The registry is on 127.0.0.1, so the first setup pays no download time: over the internet the first is slower and the ratio smaller.",
        `Restores by ${large.mechanism}. A command in a restored workspace counted ${large.filesSeenByCommands} of ${large.files} files.`,
        `Each command in a layered workspace mounts its layers first: \`true\` took ${round(large.layeredCommandMs, 1)} ms there and ${round(large.plainCommandMs, 1)} ms in a workspace without one (median of 7).`,
        "New disk is the blocks a restore allocates beside the working copy (the restored names and the layer directory); the copy figure is the same tree restored with cp -a --reflink=auto, the fallback where overlays cannot be mounted.",
      ],
      details: { ...result, restore: large },
    };
  },
};
