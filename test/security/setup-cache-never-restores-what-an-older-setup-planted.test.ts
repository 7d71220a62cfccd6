import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SetupCache } from "../../src/adapters/environment/setup-cache.ts";
import { detectSandbox } from "../../src/adapters/process/sandbox-probe.ts";
import { createEnvironmentSetup } from "../../src/adapters/workspace/environment-setup.ts";
import { resolveToolOptions } from "../../src/adapters/workspace/workspace-tool-options.ts";
import type { RepositoryConfig } from "../../src/config/repository-config.ts";
import type { Workspace } from "../../src/domain/tool.ts";
import { scaled } from "../helpers/time-scale.ts";
import { createSourceRepository, git, temporaryDirectory } from "../workspace/repository-fixtures.ts";

const sandbox = await detectSandbox("required");
const day = 86_400_000;

/** Stands in for `npm ci`: installs, and runs a `postinstall` script when package.json has one. */
const install =
  "mkdir -p node_modules && echo installed > node_modules/ok && " +
  "if grep -q postinstall package.json packages/*/package.json; then echo planted > node_modules/planted; fi";

const packageJson = (scripts: Record<string, string>) =>
  `${JSON.stringify({ name: "widgets", version: "1.0.0", workspaces: ["packages/*"], scripts }, null, 2)}\n`;

/**
 * The setup cache must hand a workspace only what its own setup would make: an entry keyed
 * by the lock file alone outlives a `postinstall` script that planted a file, and one whose
 * age a restore renews never expires.
 */
describe("the setup cache never restores what an older setup planted", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let source: string;
  let now = Date.parse("2026-12-01T00:00:00Z");
  let setup: ReturnType<typeof createEnvironmentSetup>;
  let count = 0;
  const signal = new AbortController().signal;

  /** A working copy of the source's current commit, as the workspace manager would make it. */
  async function newWorkspace(): Promise<Workspace> {
    count += 1;
    const root = join(directory.path, "workspaces", `w${count}`);
    await git(directory.path, "clone", "-q", source, root);
    const baseCommit = (await git(root, "rev-parse", "HEAD")).trim();
    return { repoName: "widgets", root, branch: "main", baseCommit };
  }

  async function commit(files: Record<string, string>): Promise<void> {
    for (const [name, content] of Object.entries(files)) {
      await mkdir(dirname(join(source, name)), { recursive: true });
      await writeFile(join(source, name), content);
    }
    await git(source, "add", "-A");
    await git(source, "commit", "-q", "-m", "Change");
  }

  beforeAll(async () => {
    expect(sandbox.state).toBe("active");
    directory = await temporaryDirectory("setup-cache-planted");
    source = join(directory.path, "source");
    await createSourceRepository(source, {
      "package.json": packageJson({ postinstall: "node scripts/plant.js" }),
      "packages/app/package.json": `${JSON.stringify({ name: "app" })}\n`,
      "package-lock.json": '{"lockfileVersion": 3}\n',
    });
    const cacheDirectory = join(directory.path, "data", "setup-cache");
    const repositories: RepositoryConfig[] = [{ name: "widgets", url: source, setup: { command: install } }];
    setup = createEnvironmentSetup({
      tools: resolveToolOptions({
        allowCommands: [],
        sandbox: "required",
        hiddenPaths: [join(directory.path, "data")],
      }),
      repositories,
      cache: new SetupCache({ directory: cacheDirectory, maximumAgeMs: 7 * day, now: () => now }),
      logger: pino({ level: "silent" }),
      environmentSource: {},
    });
  });
  afterAll(async () => {
    await directory?.remove();
  });

  it("runs setup again when a manifest changed, at the root or in a workspace package", {
    timeout: scaled(120_000),
  }, async () => {
    const first = await newWorkspace();
    expect(await setup.prepare(first, signal)).toMatchObject({ status: "passed", source: "ran" });
    expect(existsSync(join(first.root, "node_modules", "planted"))).toBe(true);

    // The script is removed; the lock file stays the same.
    await commit({ "package.json": packageJson({ test: "node --test" }) });
    const second = await newWorkspace();
    expect(await setup.prepare(second, signal)).toMatchObject({ status: "passed", source: "ran" });
    expect(existsSync(join(second.root, "node_modules", "planted"))).toBe(false);

    // A package of the monorepo gains a postinstall: its manifest is an input too.
    await commit({
      "packages/app/package.json": `${JSON.stringify({ name: "app", scripts: { postinstall: "x" } })}\n`,
    });
    const third = await newWorkspace();
    expect(await setup.prepare(third, signal)).toMatchObject({ source: "ran" });
    expect(existsSync(join(third.root, "node_modules", "planted"))).toBe(true);
    await commit({ "packages/app/package.json": `${JSON.stringify({ name: "app" })}\n` });
    const fourth = await newWorkspace();
    // The same manifests as the second workspace's: its entry, without the planted file, serves.
    expect(await setup.prepare(fourth, signal)).toMatchObject({ status: "passed", source: "cache" });
    expect(existsSync(join(fourth.root, "node_modules", "ok"))).toBe(true);
    expect(existsSync(join(fourth.root, "node_modules", "planted"))).toBe(false);
  });

  it("expires an entry by its age, however often it was restored", { timeout: scaled(120_000) }, async () => {
    await commit({
      "README.md": "# Widgets, aged\n",
      "package-lock.json": '{"lockfileVersion": 3, "v": 2}\n',
    });
    const created = now;
    const stored = await newWorkspace();
    expect(await setup.prepare(stored, signal)).toMatchObject({ source: "ran" });
    for (const days of [1, 3, 5, 6.9]) {
      now = created + days * day;
      const restored = await newWorkspace();
      expect(await setup.prepare(restored, signal), `after ${days} days`).toMatchObject({ source: "cache" });
    }
    // Created more than seven days ago: restores did not renew it.
    now = created + 7.1 * day;
    const expired = await newWorkspace();
    expect(await setup.prepare(expired, signal)).toMatchObject({ status: "passed", source: "ran" });
  });
});
