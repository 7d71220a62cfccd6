import { existsSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectRestoreMechanism } from "../../src/adapters/environment/restore-mechanism.ts";
import { SetupCache } from "../../src/adapters/environment/setup-cache.ts";
import { detectSandbox } from "../../src/adapters/process/sandbox-probe.ts";
import { createEnvironmentSetup } from "../../src/adapters/workspace/environment-setup.ts";
import { runWorkspaceCommand } from "../../src/adapters/workspace/workspace-command.ts";
import { resolveToolOptions } from "../../src/adapters/workspace/workspace-tool-options.ts";
import type { RepositoryConfig } from "../../src/config/repository-config.ts";
import type { Workspace } from "../../src/domain/tool.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import { scaled } from "../helpers/time-scale.ts";
import {
  callTool,
  createSourceRepository,
  git,
  temporaryDirectory,
  toolContext,
} from "../workspace/repository-fixtures.ts";

const sandbox = await detectSandbox("required");

/** Stands in for `npm ci`: a package, a nested directory and an executable. */
const install =
  "mkdir -p node_modules/left/lib node_modules/.bin && echo 'module.exports = 1;' > node_modules/left/index.js && " +
  "echo nested > node_modules/left/lib/deep.js && printf '#!/bin/sh\\necho tool\\n' > node_modules/.bin/tool && " +
  "chmod 755 node_modules/.bin/tool";

/**
 * A cached setup given to workspaces as an overlay layer: whatever a command of one workspace
 * does to the restored tree (write, delete, chmod, a symlink swapped in, the mount itself),
 * the cache entry and every other workspace see the tree as setup made it.
 */
describe("restored setup layers keep each workspace's writes to itself", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let source: string;
  let cacheDirectory: string;
  let setup: ReturnType<typeof createEnvironmentSetup>;
  let count = 0;
  const signal = new AbortController().signal;
  const tools = () =>
    resolveToolOptions({
      allowCommands: [],
      sandbox: "required",
      hiddenPaths: [join(directory.path, "data")],
    });

  async function newWorkspace(): Promise<Workspace> {
    count += 1;
    const root = join(directory.path, "data", "workspaces", "s", `w${count}`);
    await git(directory.path, "clone", "-q", source, root);
    const baseCommit = (await git(root, "rev-parse", "HEAD")).trim();
    return { repoName: "widgets", root, branch: "main", baseCommit };
  }

  async function run(workspace: Workspace, command: string): Promise<string> {
    if (sandbox.state !== "active") throw new Error("needs the sandbox");
    const ran = await runWorkspaceCommand(tools(), sandbox, workspace, {
      command,
      network: false,
      timeoutSeconds: 60,
      signal,
      maxOutputBytes: 20_000,
    });
    return ran.process.stdout;
  }

  /** Every file of the cache with its content and mode, to compare before and after. */
  async function snapshot(path: string): Promise<string[]> {
    const lines: string[] = [];
    for (const entry of await readdir(path, { recursive: true, withFileTypes: true })) {
      const full = join(entry.parentPath, entry.name);
      if (full.includes(`${join(path, "")}`) && /\/users(\/|$)/.test(full.slice(path.length))) continue;
      const info = await lstat(full);
      const content = info.isFile() ? await readFile(full, "utf8") : "";
      lines.push(`${full.slice(path.length)} ${info.mode.toString(8)} ${content}`);
    }
    return lines.sort();
  }

  beforeAll(async () => {
    expect(sandbox.state).toBe("active");
    directory = await temporaryDirectory("setup-layers");
    source = join(directory.path, "source");
    await createSourceRepository(source, {
      "package.json": `${JSON.stringify({ name: "widgets", version: "1.0.0" })}\n`,
      "package-lock.json": '{"lockfileVersion": 3}\n',
    });
    cacheDirectory = join(directory.path, "data", "setup-cache");
    const repositories: RepositoryConfig[] = [{ name: "widgets", url: source, setup: { command: install } }];
    const options = tools();
    setup = createEnvironmentSetup({
      tools: options,
      repositories,
      cache: new SetupCache({
        directory: cacheDirectory,
        restoreMechanism: () =>
          detectRestoreMechanism({ sandbox: "required", scratchDirectory: cacheDirectory }),
      }),
      logger: pino({ level: "silent" }),
      environmentSource: {},
    });
  });
  afterAll(async () => {
    await directory?.remove();
  });

  it("mounts the cache for commands and keeps writes, deletes, chmods and symlink swaps in the workspace", {
    timeout: scaled(180_000),
  }, async () => {
    expect(
      await detectRestoreMechanism({ sandbox: "required", scratchDirectory: cacheDirectory }),
    ).toMatchObject({
      kind: "overlay",
    });
    const first = await newWorkspace();
    expect(await setup.prepare(first, signal)).toMatchObject({ status: "passed", source: "ran" });
    const before = await snapshot(cacheDirectory);
    expect(before.some((line) => line.includes("left/index.js"))).toBe(true);

    const attacker = await newWorkspace();
    const bystander = await newWorkspace();
    expect(await setup.prepare(attacker, signal)).toMatchObject({ status: "passed", source: "cache" });
    expect(await setup.prepare(bystander, signal)).toMatchObject({ status: "passed", source: "cache" });
    // Nothing was copied: the working copy holds only the mount point.
    expect(await readdir(join(attacker.root, "node_modules"))).toEqual([]);
    expect(await run(attacker, "cat node_modules/left/index.js && node_modules/.bin/tool")).toBe(
      "module.exports = 1;\ntool\n",
    );

    const attack = [
      "echo 'module.exports = 666;' > node_modules/left/index.js",
      "rm -f node_modules/left/lib/deep.js",
      "chmod 777 node_modules/.bin/tool node_modules/left",
      "echo 'echo owned' >> node_modules/.bin/tool",
      // A symlink swapped in for a directory, then written through.
      "mv node_modules/left/lib /tmp/lib-moved && ln -s /tmp/lib-moved node_modules/left/lib",
      "echo through > node_modules/left/lib/through.js",
      // The mount itself cannot be moved, replaced or unmounted.
      "(mv node_modules elsewhere || true) 2>/dev/null",
      "(umount node_modules || true) 2>/dev/null",
      "echo done",
    ].join("; ");
    expect(await run(attacker, attack)).toContain("done");

    // The attacker's own view keeps its changes from one command to the next.
    expect(
      await run(attacker, "cat node_modules/left/index.js; ls node_modules/left/lib/ 2>&1 | head -3"),
    ).toContain("module.exports = 666;");
    expect(
      await run(
        attacker,
        "cat node_modules/left/lib/through.js; rm -rf node_modules 2>/dev/null; ls -A node_modules | wc -l",
      ),
    ).toBe("through\n0\n");
    // The cache entry and the other workspace are as setup made them.
    expect(await snapshot(cacheDirectory)).toEqual(before);
    expect(
      await run(
        bystander,
        "cat node_modules/left/index.js node_modules/left/lib/deep.js; node_modules/.bin/tool; stat -c %a node_modules/.bin/tool node_modules/left",
      ),
    ).toBe("module.exports = 1;\nnested\ntool\n755\n755\n");
    // A workspace restored after the attack gets the tree setup made, too.
    const later = await newWorkspace();
    expect(await setup.prepare(later, signal)).toMatchObject({ source: "cache" });
    expect(await run(later, "cat node_modules/left/index.js")).toBe("module.exports = 1;\n");
    expect(existsSync(join(bystander.root, "node_modules", "left"))).toBe(false);
  });

  it("shows the file tools the tree commands see, and sends their writes there through commands", {
    timeout: scaled(120_000),
  }, async () => {
    const workspace = await newWorkspace();
    expect(await setup.prepare(workspace, signal)).toMatchObject({ source: "cache" });
    const tools = createWorkspaceTools({
      allowCommands: [],
      sandbox: "required",
      hiddenPaths: [join(directory.path, "data")],
    });
    const context = toolContext(workspace);
    expect(await callTool(tools, "read_file", { path: "node_modules/left/index.js" }, context)).toBe(
      "   1\tmodule.exports = 1;",
    );
    await run(
      workspace,
      "echo 'module.exports = 2;' > node_modules/left/index.js && ln -s /etc/hostname node_modules/host",
    );
    expect(await callTool(tools, "read_file", { path: "node_modules/left/index.js" }, context)).toBe(
      "   1\tmodule.exports = 2;",
    );
    await expect(callTool(tools, "read_file", { path: "node_modules/missing.js" }, context)).rejects.toThrow(
      'No such file: "node_modules/missing.js".',
    );
    await expect(callTool(tools, "read_file", { path: "node_modules/left" }, context)).rejects.toThrow(
      "is a directory",
    );
    // A symlink out of the workspace is refused before anything reads it, as everywhere else.
    await expect(callTool(tools, "read_file", { path: "node_modules/host" }, context)).rejects.toThrow(
      "leads outside the workspace",
    );
    await expect(
      callTool(tools, "write_file", { path: "node_modules/left/index.js", content: "x" }, context),
    ).rejects.toThrow("change it with run_command");
    await expect(
      callTool(tools, "edit_file", { path: "node_modules/left/index.js", old: "2", new: "3" }, context),
    ).rejects.toThrow("change it with run_command");
    // Nothing was written beside the layer on the host, and the cache is as it was.
    expect(await readdir(join(workspace.root, "node_modules"))).toEqual([]);
  });

  it("keeps an evicted entry while a workspace mounts it, and removes it after", {
    timeout: scaled(120_000),
  }, async () => {
    const cacheRoot = join(directory.path, "data", "evicting-cache");
    const cache = new SetupCache({
      directory: cacheRoot,
      keep: 1,
      restoreMechanism: () => detectRestoreMechanism({ sandbox: "required", scratchDirectory: cacheRoot }),
    });
    const produce = async (name: string, content: string) => {
      const root = join(directory.path, "data", "produced", name);
      await mkdir(join(root, "node_modules", "left"), { recursive: true });
      await writeFile(join(root, "node_modules", "left", "index.js"), content);
      await cache.store("widgets", name, root, {
        entries: ["node_modules"],
        command: "npm ci",
        durationMs: 1,
      });
    };
    await produce("key-a", "a\n");
    const user = await newWorkspace();
    expect(await cache.restore("widgets", "key-a", user.root)).toBe(true);
    await produce("key-b", "b\n");
    // Out of service, but still what the workspace's commands read.
    expect(await cache.lookup("widgets", "key-a")).toBeUndefined();
    expect(await run(user, "cat node_modules/left/index.js")).toBe("a\n");
    await rm(user.root, { recursive: true, force: true });
    await rm(`${user.root}.layers`, { recursive: true, force: true });
    await produce("key-c", "c\n");
    expect((await readdir(join(cacheRoot, "widgets"))).sort()).toEqual(["key-c"]);
  });

  it("counts what a command writes into a restored layer in the workspace's disk quota", {
    timeout: scaled(120_000),
  }, async () => {
    const workspace = await newWorkspace();
    expect(await setup.prepare(workspace, signal)).toMatchObject({ source: "cache" });
    const tools = createWorkspaceTools({
      allowCommands: [],
      sandbox: "required",
      hiddenPaths: [join(directory.path, "data")],
      workspaceQuotaMb: 1,
    });
    expect(
      await callTool(tools, "run_command", { command: "echo fine" }, toolContext(workspace)),
    ).not.toContain("quota");
    const output = await callTool(
      tools,
      "run_command",
      { command: "head -c 3000000 /dev/zero > node_modules/left/big.bin; echo written" },
      toolContext(workspace),
    );
    expect(output).toContain("over its 1 MiB disk quota");
  });

  it("copies instead where a path cannot be an overlay option", { timeout: scaled(60_000) }, async () => {
    const cacheRoot = join(directory.path, "data", "comma-cache");
    const cache = new SetupCache({
      directory: cacheRoot,
      restoreMechanism: () => detectRestoreMechanism({ sandbox: "required", scratchDirectory: cacheRoot }),
    });
    const produced = join(directory.path, "data", "produced", "comma");
    await mkdir(join(produced, "node_modules", "left"), { recursive: true });
    await writeFile(join(produced, "node_modules", "left", "index.js"), "copied\n");
    await cache.store("widgets", "key", produced, {
      entries: ["node_modules"],
      command: "npm ci",
      durationMs: 1,
    });
    const root = join(directory.path, "data", "workspaces", "s", "a,b");
    await mkdir(root, { recursive: true });
    expect(await cache.restore("widgets", "key", root)).toBe(true);
    expect(await readFile(join(root, "node_modules", "left", "index.js"), "utf8")).toBe("copied\n");
    expect(existsSync(`${root}.layers`)).toBe(false);
  });
});
