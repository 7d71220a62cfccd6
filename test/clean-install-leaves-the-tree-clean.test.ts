import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { installNodeNote } from "../src/install-node-note.mjs";
import { scaled } from "./helpers/time-scale.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");
const temporaryDirectories: string[] = [];

afterAll(async () => {
  await Promise.all(temporaryDirectories.map((directory) => rm(directory, { recursive: true, force: true })));
});

/** A fresh clone of what npm reads: package.json, package-lock.json, .npmrc and the postinstall script, committed. */
async function freshClone(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), "threadwork-clean-install-"));
  temporaryDirectories.push(directory);
  await mkdir(path.join(directory, "src"));
  for (const file of [
    "package.json",
    "package-lock.json",
    ".npmrc",
    ".gitignore",
    "src/install-node-note.mjs",
  ]) {
    await copyFile(path.join(root, file), path.join(directory, file));
  }
  const git = (...args: string[]) => run("git", args, { cwd: directory });
  await git("init", "--quiet");
  await git("add", "--all");
  await git("-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "clone");
  return directory;
}

/**
 * `npm install` as a newcomer runs it, resolving from package-lock.json alone: offline, on an empty
 * cache, without fetching a tarball (`--package-lock-only`), so the test takes a second and needs
 * no network. npm rewrites the lock file exactly when it disagrees with package.json.
 */
async function npmInstall(directory: string): Promise<string> {
  const { stdout, stderr } = await run(
    "npm",
    [
      "install",
      "--package-lock-only",
      "--offline",
      "--no-audit",
      "--no-fund",
      "--cache",
      path.join(directory, ".cache"),
    ],
    { cwd: directory, env: { PATH: process.env.PATH ?? "", HOME: directory } },
  );
  return stdout + stderr;
}

describe("a clean install", () => {
  it("leaves git status clean on a fresh clone: the lock file agrees with package.json", {
    timeout: scaled(120_000),
  }, async () => {
    const directory = await freshClone();
    await npmInstall(directory);
    await rm(path.join(directory, ".cache"), { recursive: true, force: true });
    const { stdout } = await run("git", ["status", "--porcelain"], { cwd: directory });
    expect(stdout).toBe("");
  });

  it("prints no EBADENGINE warnings on a Node the package does not support", {
    timeout: scaled(120_000),
  }, async () => {
    const directory = await freshClone();
    // Whatever Node runs the test, npm now finds it too old for the package.
    const manifest = JSON.parse(await readFile(path.join(directory, "package.json"), "utf8"));
    manifest.engines.node = ">=99";
    await writeFile(path.join(directory, "package.json"), JSON.stringify(manifest, null, 2));
    const output = await npmInstall(directory);
    expect(output).not.toContain("EBADENGINE");
    expect(output).not.toMatch(/npm warn/i);
  });
});

describe("the install's note on an older Node", () => {
  it("is one sentence naming the Node npm ran on and the Node 24 the scripts run on", () => {
    const note = installNodeNote("npm/11.19.1 node/v20.20.2 linux x64 workspaces/false");
    expect(note).toBe(
      "Threadwork runs on Node 24; npm ran on Node 20.20.2, so npm start, npm run chat and the other npm scripts run on the Node 24 this install fetched (node_modules/.bin/node).\n",
    );
    expect(note?.trim().split("\n")).toHaveLength(1);
  });

  it("is nothing on Node 24 or later, or when npm did not say", () => {
    expect(installNodeNote("npm/11.19.1 node/v24.21.0 linux x64")).toBeUndefined();
    expect(installNodeNote("npm/12.0.0 node/v26.1.0 darwin arm64")).toBeUndefined();
    expect(installNodeNote(undefined)).toBeUndefined();
  });

  it("is what npm install runs after installing", async () => {
    const manifest = JSON.parse(await readFile(path.join(root, "package.json"), "utf8"));
    expect(manifest.scripts.postinstall).toBe("node src/install-node-note.mjs");
    expect(await readFile(path.join(root, ".npmrc"), "utf8")).toMatch(/^loglevel=error$/m);
  });
});
