import { benchmarkWorkspaces } from "../support/benchmark-workspace.ts";
import { round } from "../support/stats.ts";
import type { BenchRow } from "../support/types.ts";

const ms = (value: number) => `${round(value, 1)} ms`;

/** Row 5: making a workspace of a generated 3,000-file repository against native git. */
export const workspacesRow: BenchRow = {
  row: 5,
  name: "Workspaces",
  async run(context) {
    const iterations = context.quick ? 1 : 7;
    let samples = 0;
    let last = "generating the repository";
    context.watch(() => `${samples} git operations timed, last ${last}`);
    const result = await benchmarkWorkspaces({
      onSample(name) {
        samples += 1;
        last = name;
      },
      fileCount: 3000,
      iterations,
      changedFiles: 10,
      includeIsomorphic: !context.quick,
    });
    const ratio = result.ratioToWorktreeAdd;
    const pair = (ours: number, native: number) => `${ms(ours)} vs native ${ms(native)}`;
    return {
      scale: `3,000 files, median of ${iterations}${context.quick ? " (quick: 1 sample, no isomorphic-git)" : ""}`,
      lines: [
        {
          label: "make workspace (median)",
          figure: `${ms(result.createWorkspace.medianMs)} = ${ratio}× worktree add (${ms(result.worktreeAdd.medianMs)}), ${result.ratioToCloneLocal}× clone --local (${ms(result.cloneLocal.medianMs)})`,
          target: "≤ 1.5× worktree add",
          met: ratio <= 1.5,
        },
        {
          label: "status, 10 changed files",
          figure: pair(result.status.threadwork.medianMs, result.status.native.medianMs),
          target: "(vs native git)",
          met: undefined,
        },
        {
          label: "diff, 10 changed files",
          figure: pair(result.diff.threadwork.medianMs, result.diff.native.medianMs),
          target: "(vs native git)",
          met: undefined,
        },
        {
          label: "commit, 10 changed files",
          figure: pair(result.commit.threadwork.medianMs, result.commit.native.medianMs),
          target: "(vs native git)",
          met: undefined,
        },
      ],
      notes: [
        "The workspace manager clones from a local bare mirror (clone --local --no-checkout, then checkout -b); status, diff and commit run native git.",
        ...(result.isomorphicCheckout
          ? [
              `isomorphic-git checkout of the same tree, for comparison: ${ms(result.isomorphicCheckout.medianMs)}.`,
            ]
          : []),
      ],
      details: { ...result },
    };
  },
};
