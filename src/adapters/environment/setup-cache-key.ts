import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { posix } from "node:path";
import { pathPattern } from "../../domain/path-pattern.ts";
import { runGit } from "../git/git-command.ts";

/** Files that pin dependencies: a working copy without one is not cached. */
const lockFileNames = new Set([
  "package-lock.json",
  "npm-shrinkwrap.json",
  "pnpm-lock.yaml",
  "yarn.lock",
  "bun.lock",
  "bun.lockb",
  "deno.lock",
  "poetry.lock",
  "pipfile.lock",
  "uv.lock",
  "pdm.lock",
  "cargo.lock",
  "go.sum",
  "go.work.sum",
  "gemfile.lock",
  "gems.locked",
  "composer.lock",
  "mix.lock",
  "pubspec.lock",
  "packages.lock.json",
  "package.resolved",
  "podfile.lock",
  "flake.lock",
  "conda-lock.yml",
  "gradle.lockfile",
]);

function isLockFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return lockFileNames.has(lower) || /^requirements[\w.-]*\.txt$/.test(lower);
}

/**
 * Files a package manager reads when it installs, besides lock files: manifests (the lifecycle
 * scripts of `package.json` run on `npm ci`), workspace lists, registry and tool settings.
 */
const manifestNames = new Set([
  "package.json",
  ".npmrc",
  ".yarnrc",
  ".yarnrc.yml",
  "pnpm-workspace.yaml",
  ".pnpmfile.cjs",
  ".pnpmfile.mjs",
  "bunfig.toml",
  "deno.json",
  "deno.jsonc",
  "lerna.json",
  ".nvmrc",
  ".node-version",
  ".tool-versions",
  "pyproject.toml",
  "setup.py",
  "setup.cfg",
  "pipfile",
  "environment.yml",
  "environment.yaml",
  ".python-version",
  "pip.conf",
  "gemfile",
  "gems.rb",
  ".ruby-version",
  "go.mod",
  "go.work",
  "cargo.toml",
  "build.rs",
  "rust-toolchain",
  "rust-toolchain.toml",
  "composer.json",
  "mix.exs",
  "pubspec.yaml",
  "pom.xml",
  "build.gradle",
  "build.gradle.kts",
  "settings.gradle",
  "settings.gradle.kts",
  "gradle.properties",
  "gradle-wrapper.properties",
  "global.json",
  "nuget.config",
  "directory.packages.props",
  "directory.build.props",
  "directory.build.targets",
  "package.swift",
  "podfile",
  "stack.yaml",
  "cabal.project",
  "flake.nix",
  "shell.nix",
  "makefile",
  "justfile",
]);

const manifestPatterns: RegExp[] = [
  /^constraints[\w.-]*\.txt$/,
  /\.(gemspec|csproj|fsproj|vbproj|cabal)$/,
  /\.versions\.toml$/,
];

/** Directories whose every file an install reads: patches, Yarn's releases, plugins and offline cache. */
const inputDirectories = [/^patches\//i, /^\.yarn\//i, /^\.cargo\//i, /^\.mvn\//i];

function isManifest(path: string): boolean {
  const name = posix.basename(path).toLowerCase();
  return (
    isLockFileName(name) || manifestNames.has(name) || manifestPatterns.some((pattern) => pattern.test(name))
  );
}

/**
 * The content of a regular file at `path`, never through a symlink (the working copy is the
 * repository's, and a symlink could point at a file of the service), at most `maximumBytes`;
 * undefined when it is anything else or larger.
 */
export async function readRegularFile(path: string, maximumBytes: number): Promise<Buffer | undefined> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const info = await handle.stat();
    if (!info.isFile() || info.size > maximumBytes) return undefined;
    return await handle.readFile();
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/** One `git ls-tree -r -z` line: mode, type, object id, then the path after a tab. */
function parseTreeEntry(line: string): { path: string; object: string } | undefined {
  // The mode stays with the object: a file that becomes executable or a symlink is another input.
  const tab = line.indexOf("\t");
  if (tab < 0) return undefined;
  const [mode, , object] = line.slice(0, tab).split(" ");
  return object ? { path: line.slice(tab + 1), object: `${mode} ${object}` } : undefined;
}

/**
 * The setup cache key of a working copy: the repository, the setup command (with the
 * repository's own setup script when it is used), the variables setup receives (by name),
 * the platform and Node version, and every file setup reads from the repository as the commit
 * holds it: manifests, lock files and package-manager settings at any depth, the setup
 * script's directory, and what `cacheKeyPaths` names. Undefined without a lock file (what an
 * unpinned install produces today may differ tomorrow, so it is not reused), and when tracked
 * files differ from the commit (the key would not name what setup read).
 */
export async function setupCacheKey(request: {
  root: string;
  repoName: string;
  command: string;
  /** The repository's setup script, when the operator lets it run. */
  script?: Buffer | undefined;
  environmentNames?: readonly string[];
  /** More inputs, as `pathPattern`s. */
  cacheKeyPaths?: readonly string[];
  signal?: AbortSignal;
}): Promise<string | undefined> {
  const options = {
    cwd: request.root,
    allowFailure: true,
    signal: request.signal,
  };
  const status = await runGit(
    ["status", "--porcelain", "-z", "--untracked-files=no", "--ignore-submodules=all"],
    options,
  );
  if (status.exitCode !== 0 || status.stdout !== "") return undefined;
  const tree = await runGit(["ls-tree", "-r", "-z", "--full-tree", "HEAD"], options);
  if (tree.exitCode !== 0) return undefined;
  const declared = (request.cacheKeyPaths ?? []).map(pathPattern);
  const inputs = tree.stdout
    .split("\0")
    .map(parseTreeEntry)
    .filter((entry) => entry !== undefined)
    .filter(
      ({ path }) =>
        isManifest(path) ||
        inputDirectories.some((pattern) => pattern.test(path)) ||
        (request.script !== undefined && path.startsWith(".threadwork/")) ||
        declared.some((pattern) => pattern.test(path)),
    )
    .sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0));
  if (!inputs.some(({ path }) => isLockFileName(posix.basename(path)))) return undefined;
  // A symlinked manifest's content is its target's, which the key would not cover.
  if (inputs.some(({ object }) => object.startsWith("120000 "))) return undefined;
  const hash = createHash("sha256");
  hash.update(
    JSON.stringify([
      "threadwork-setup-v2",
      request.repoName,
      request.command,
      request.environmentNames ?? [],
      request.cacheKeyPaths ?? [],
      process.platform,
      process.arch,
      // Native addons are built for one Node ABI: a service upgrade starts a fresh cache.
      process.version,
    ]),
  );
  if (request.script) hash.update(createHash("sha256").update(request.script).digest("hex"));
  for (const { path, object } of inputs) hash.update(`\0${path}\0${object}`);
  return hash.digest("hex").slice(0, 32);
}
