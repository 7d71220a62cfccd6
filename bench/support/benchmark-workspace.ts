import * as fs from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import git from "isomorphic-git";
import { pino } from "pino";
import { runGit } from "../../src/adapters/git/git-command.ts";
import { commitAll, diffAgainst } from "../../src/adapters/git/working-copy.ts";
import { createWorkspaceManager } from "../../src/adapters/git/workspace-manager.ts";
import { generateRepository } from "./generate-repository.ts";

export interface WorkspaceBenchmarkOptions {
  /** Files in the generated repository. Default 3,000. */
  fileCount?: number;
  /** Samples per method. Default 5. */
  iterations?: number;
  /** Files changed before status, diff and commit. Default 10. */
  changedFiles?: number;
  /** isomorphic-git checkout and status are slow; leave them out for a quick run. Default true. */
  includeIsomorphic?: boolean;
  /** Told after every timed operation, e.g. so a watchdog sees the row move. */
  onSample?: (name: string) => void;
}

export interface Timing {
  medianMs: number;
  samplesMs: number[];
}

export interface WorkspaceBenchmarkResult {
  fileCount: number;
  iterations: number;
  /** What Threadwork does: `createWorkspace` from the mirror (git init, hardlinked objects, checkout -b). */
  createWorkspace: Timing;
  worktreeAdd: Timing;
  cloneLocal: Timing;
  cloneShared: Timing;
  isomorphicCheckout: Timing | undefined;
  ratioToWorktreeAdd: number;
  ratioToCloneLocal: number;
  /** With `changedFiles` files changed: Threadwork's operations against native git. */
  status: { threadwork: Timing; native: Timing; isomorphic: Timing | undefined };
  diff: { threadwork: Timing; native: Timing };
  commit: { threadwork: Timing; native: Timing };
}

/**
 * Measures making a workspace of a generated repository against native git on the same
 * machine, in the same run, plus status, diff and commit. Used by `npm run bench`.
 */
export async function benchmarkWorkspaces(
  options: WorkspaceBenchmarkOptions = {},
): Promise<WorkspaceBenchmarkResult> {
  const fileCount = options.fileCount ?? 3000;
  const iterations = options.iterations ?? 5;
  const changedFiles = options.changedFiles ?? 10;
  const includeIsomorphic = options.includeIsomorphic ?? true;
  const base = await mkdtemp(join(tmpdir(), "threadwork-bench-"));
  try {
    const source = join(base, "source");
    await generateRepository(source, fileCount);
    const manager = createWorkspaceManager({
      repositories: [{ name: "bench", url: source }],
      token: undefined,
      githubToken: undefined,
      dataDir: join(base, "data"),
      push: false,
      logger: pino({ level: "silent" }),
      mirrorRefreshIntervalMs: Number.POSITIVE_INFINITY,
    });
    // Warm-up: builds the mirror, which native methods below share.
    await manager.createWorkspace({
      sessionId: "warm",
      agentId: "warm",
      agentSlug: "warm",
      repoName: "bench",
    });
    const mirror = join(base, "data", "mirrors", "bench.git");
    const head = (await runGit(["rev-parse", "HEAD"], { cwd: mirror })).stdout.trim();
    const samples = new Map<string, number[]>();
    const time = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await work();
      const list = samples.get(name) ?? [];
      list.push(performance.now() - started);
      samples.set(name, list);
      options.onSample?.(name);
      return result;
    };

    for (let iteration = 0; iteration < iterations; iteration += 1) {
      const methods: Array<[string, () => Promise<unknown>]> = [
        [
          "createWorkspace",
          () =>
            manager.createWorkspace({
              sessionId: `s${iteration}`,
              agentId: "agent",
              agentSlug: "agent",
              repoName: "bench",
            }),
        ],
        [
          "worktreeAdd",
          () =>
            runGit(["worktree", "add", "-q", "-b", `wt${iteration}`, join(base, `wt${iteration}`), head], {
              cwd: mirror,
            }),
        ],
        [
          "cloneLocal",
          async () => {
            const target = join(base, `local${iteration}`);
            await runGit(["clone", "-q", "--local", "--no-checkout", mirror, target], { cwd: base });
            await runGit(["checkout", "-q", "-b", "work", head], { cwd: target });
          },
        ],
        [
          "cloneShared",
          async () => {
            const target = join(base, `shared${iteration}`);
            await runGit(["clone", "-q", "--shared", "--no-checkout", mirror, target], { cwd: base });
            await runGit(["checkout", "-q", "-b", "work", head], { cwd: target });
          },
        ],
      ];
      // Rotate the order so no method always runs on a cold or a warm page cache.
      for (let index = 0; index < methods.length; index += 1) {
        const [name, work] = methods[(index + iteration) % methods.length] as [
          string,
          () => Promise<unknown>,
        ];
        await time(name, work);
      }
      if (includeIsomorphic) {
        const target = join(base, `iso${iteration}`);
        await runGit(["clone", "-q", "--local", "--no-checkout", mirror, target], { cwd: base });
        await time("isomorphicCheckout", () => git.checkout({ fs, dir: target, ref: "main", force: true }));
      }

      const ours = join(base, "data", "workspaces", `s${iteration}`, "agent");
      const native = join(base, `local${iteration}`);
      await changeFiles(ours, changedFiles);
      await changeFiles(native, changedFiles);
      await time("status.threadwork", () => hasUncommittedChanges(ours));
      await time("status.native", () => runGit(["status", "--porcelain"], { cwd: native }));
      if (includeIsomorphic) await time("status.isomorphic", () => git.statusMatrix({ fs, dir: native }));
      await time("diff.threadwork", () => diffAgainst(ours, head));
      await time("diff.native", () => runGit(["diff", head], { cwd: native }));
      await time("commit.threadwork", () => commitAll(ours, "Change files"));
      await time("commit.native", async () => {
        await runGit(["add", "-A"], { cwd: native });
        await runGit(["commit", "-q", "-m", "Change files"], { cwd: native });
      });
    }

    const timing = (name: string): Timing => {
      const list = [...(samples.get(name) ?? [])].sort((left, right) => left - right);
      const middle = Math.floor(list.length / 2);
      const medianMs =
        list.length % 2 === 1 ? (list[middle] ?? 0) : ((list[middle - 1] ?? 0) + (list[middle] ?? 0)) / 2;
      return { medianMs: round(medianMs), samplesMs: (samples.get(name) ?? []).map((value) => round(value)) };
    };
    const createWorkspace = timing("createWorkspace");
    const worktreeAdd = timing("worktreeAdd");
    const cloneLocal = timing("cloneLocal");
    return {
      fileCount,
      iterations,
      createWorkspace,
      worktreeAdd,
      cloneLocal,
      cloneShared: timing("cloneShared"),
      isomorphicCheckout: includeIsomorphic ? timing("isomorphicCheckout") : undefined,
      ratioToWorktreeAdd: round(createWorkspace.medianMs / worktreeAdd.medianMs, 2),
      ratioToCloneLocal: round(createWorkspace.medianMs / cloneLocal.medianMs, 2),
      status: {
        threadwork: timing("status.threadwork"),
        native: timing("status.native"),
        isomorphic: includeIsomorphic ? timing("status.isomorphic") : undefined,
      },
      diff: { threadwork: timing("diff.threadwork"), native: timing("diff.native") },
      commit: { threadwork: timing("commit.threadwork"), native: timing("commit.native") },
    };
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

/** Whether a working copy has uncommitted or untracked changes; the status step the benchmark times. */
async function hasUncommittedChanges(root: string): Promise<boolean> {
  const result = await runGit(["status", "--porcelain", "--untracked-files=all", "--ignore-submodules=all"], {
    cwd: root,
  });
  return result.stdout.trim() !== "";
}

/** Appends a line to the first `count` source files, the same ones in every copy. */
async function changeFiles(root: string, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    const path = join(root, `src/module-${index % 30}/part-${index % 7}/file-${index}.ts`);
    await writeFile(path, `${await readFile(path, "utf8")}// changed\n`);
  }
}

function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
