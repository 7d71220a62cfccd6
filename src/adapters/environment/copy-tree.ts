import { runProcess } from "../process/run-process.ts";

/**
 * Copies `sources` (files or directories) into `targetDirectory` with `cp -a`, as copy-on-write
 * clones where the file system can (`--reflink=auto`: btrfs, XFS), else as plain copies.
 * Never hardlinks: a command in one workspace could rewrite a shared inode and so change every
 * other workspace restored from the same cache. Where `cp` has no `--reflink` (BSD), plain `cp -a`.
 */
export async function copyTree(
  sources: string[],
  targetDirectory: string,
  signal?: AbortSignal,
): Promise<void> {
  if (sources.length === 0) return;
  let result = await copy(["-a", "--reflink=auto", "--", ...sources, targetDirectory], signal);
  if (result.exitCode !== 0 && /reflink|illegal option|unrecognized option/i.test(result.stdout)) {
    result = await copy(["-a", "--", ...sources, targetDirectory], signal);
  }
  if (result.exitCode !== 0) {
    throw new Error(
      `copying ${sources.length} entries failed: ${result.stdout.trim().slice(0, 500) || "cp failed"}`,
    );
  }
}

function copy(args: string[], signal: AbortSignal | undefined) {
  return runProcess({
    command: "cp",
    args,
    cwd: "/",
    env: { PATH: "/usr/local/bin:/usr/bin:/bin", LC_ALL: "C" },
    mergeOutput: true,
    maxOutputBytes: 4000,
    signal,
  });
}
