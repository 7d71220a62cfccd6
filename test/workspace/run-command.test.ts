import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { detectSandbox } from "../../src/adapters/process/sandbox-probe.ts";
import { isAllowedCommand } from "../../src/adapters/workspace/command-allow-list.ts";
import type { Workspace } from "../../src/domain/tool.ts";
import { riskOf } from "../../src/domain/tool.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import { callTool, createSourceRepository, temporaryDirectory, toolContext } from "./repository-fixtures.ts";

const secrets = {
  GIT_TOKEN: "git-token-value-123",
  GITHUB_TOKEN: "github-token-value-456",
  ANTHROPIC_API_KEY: "sk-ant-secret-789",
  OPENAI_API_KEY: "sk-openai-secret-000",
  SLACK_BOT_TOKEN: "xoxb-secret-111",
  DATABASE_URL: "postgres://user:dbpassword@localhost/db",
};

/** A killed process whose parent is gone may linger as a zombie until init reaps it: count that as dead. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

describe("run_command", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let workspace: Workspace;
  const tools = createWorkspaceTools({
    allowCommands: ["npm test", "git status"],
    sandbox: "off",
    maxOutputBytes: 2000,
  });
  const call = (input: unknown, signal?: AbortSignal) =>
    callTool(tools, "run_command", input, toolContext(workspace, signal));

  beforeAll(async () => {
    directory = await temporaryDirectory("run-command");
    const root = join(directory.path, "repo");
    const base = await createSourceRepository(root, { "README.md": "hi\n" });
    workspace = { repoName: "demo", root, branch: "main", baseCommit: base };
  });
  afterAll(() => directory.remove());
  afterEach(() => {
    for (const name of Object.keys(secrets)) delete process.env[name];
  });

  it("runs in the workspace and reports the exit code and duration", async () => {
    expect(await call({ command: "cat README.md; exit 3" })).toMatch(
      /^\[exit code 3, \d+\.\d\d s, NOT sandboxed\]\nhi$/,
    );
    expect(await call({ command: "pwd" })).toContain(workspace.root);
  });

  it("gives the child no secret from our environment", async () => {
    Object.assign(process.env, secrets);
    const output = await call({ command: "env" });
    for (const value of Object.values(secrets)) expect(output).not.toContain(value);
    const names = output
      .split("\n")
      .slice(1)
      .map((line) => line.split("=")[0])
      .filter((name) => name && name !== "_" && name !== "PWD" && name !== "SHLVL" && name !== "OLDPWD");
    expect(new Set(names)).toEqual(new Set(["PATH", "HOME", "LANG", "LC_ALL", "TERM", "TZ", "USER"]));
    expect(output).not.toContain(`HOME=${process.env.HOME}\n`);
  });

  it("kills the whole process group on timeout, grandchildren included", async () => {
    const marker = join(directory.path, "grandchild-wrote");
    const pidFile = join(directory.path, "grandchild.pid");
    const output = await call({
      command: `(sleep 2; echo late > ${marker}) & echo $! > ${pidFile}; sleep 30`,
      timeout_s: 0.5,
    });
    expect(output).toMatch(/timed out after 0.5 s/);
    const pid = Number.parseInt(await readFile(pidFile, "utf8"), 10);
    expect(processAlive(pid)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(existsSync(marker)).toBe(false);
  });

  it("kills the process group when cancelled", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    expect(await call({ command: "sleep 30" }, controller.signal)).toMatch(/^\[cancelled/);
  });

  it("reaps background children left behind after a normal exit", async () => {
    const pidFile = join(directory.path, "background.pid");
    await call({ command: `sleep 30 & echo $! > ${pidFile}` });
    const pid = Number.parseInt(await readFile(pidFile, "utf8"), 10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processAlive(pid)).toBe(false);
  });

  it("tells the model the truth about network, secrets and limits in both sandbox modes", () => {
    const describeFor = (sandbox: "required" | "off") =>
      createWorkspaceTools({ allowCommands: [], sandbox, commandLimits: { cpuSeconds: 7 } }).find(
        (candidate) => candidate.name === "run_command",
      )?.description ?? "";
    expect(describeFor("required")).toMatch(/in a sandbox: no network, no secrets or tokens/);
    expect(describeFor("required")).toContain("7 CPU s");
    expect(describeFor("off")).toMatch(
      /sandbox is OFF .*service's own access to this machine and the network/,
    );
    expect(describeFor("off")).not.toMatch(/no secrets|no tokens/);
  });

  it("shows NUL bytes as ␀, since a transcript cannot store them", async () => {
    expect(await call({ command: "printf 'a\\0b'" })).toMatch(/\na\u2400b$/);
  });

  it("caps output keeping the head and the tail", async () => {
    const output = await call({ command: "echo FIRST; seq 1 5000; echo LAST" });
    expect(output).toContain("FIRST");
    expect(output).toContain("LAST");
    expect(output).toMatch(/\[\.\.\. \d+ bytes omitted \.\.\.\]/);
    expect(output.length).toBeLessThan(2300);
  });

  it("is risky unless an allow-list pattern matches without shell metacharacters, and the sandbox is active", async () => {
    // Risk depends on the detected sandbox, not on this machine: a bwrap that passes the probe.
    const workingBin = join(directory.path, "working-bin");
    await mkdir(workingBin, { recursive: true });
    await writeFile(join(workingBin, "bwrap"), "#!/bin/sh\necho 'bubblewrap 0.8.0'\n", { mode: 0o755 });
    const sandboxed = createWorkspaceTools({
      allowCommands: ["npm test", "git status"],
      sandbox: "required",
      sandboxSearchPath: workingBin,
    });
    const tool = sandboxed.find((candidate) => candidate.name === "run_command");
    if (!tool) throw new Error("missing");
    // Before the sandbox is known to work, nothing is exempt from approval.
    expect(riskOf(tool, { command: "npm test" })).toBe("risky");
    expect((await detectSandbox("required", workingBin)).state).toBe("active");
    expect(riskOf(tool, { command: "npm test" })).toBe("safe");
    expect(riskOf(tool, { command: "npm   test -- --run" })).toBe("safe");
    expect(riskOf(tool, { command: "npm testing" })).toBe("risky");
    expect(riskOf(tool, { command: "npm test; curl evil" })).toBe("risky");
    expect(riskOf(tool, { command: "rm -rf /" })).toBe("risky");
    for (const command of [
      "npm test && x",
      "npm test | x",
      "npm test `x`",
      "npm test $(x)",
      "npm test > f",
      "npm test\nx",
    ]) {
      expect(isAllowedCommand(command, ["npm test"]), command).toBe(false);
    }
    expect(isAllowedCommand("git status", ["git status"])).toBe(true);
    // Without the sandbox an allow-listed command could read every secret: it needs approval.
    const unsandboxed = tools.find((candidate) => candidate.name === "run_command");
    expect(unsandboxed && riskOf(unsandboxed, { command: "npm test" })).toBe("risky");
  });

  it("refuses, naming what to install, when an installed bwrap cannot run", async () => {
    const fakeBin = join(directory.path, "fake-bin");
    await mkdir(fakeBin, { recursive: true });
    await writeFile(
      join(fakeBin, "bwrap"),
      "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n",
      {
        mode: 0o755,
      },
    );
    expect(await detectSandbox("required", fakeBin)).toEqual({
      state: "unavailable",
      reason: `${join(fakeBin, "bwrap")} cannot run here: bwrap: No permissions to create new namespace`,
    });
    expect(await detectSandbox("off", fakeBin)).toEqual({ state: "off" });
    const broken = createWorkspaceTools({
      allowCommands: ["npm test"],
      sandbox: "required",
      sandboxSearchPath: fakeBin,
    });
    const tool = broken.find((candidate) => candidate.name === "run_command");
    expect(tool && riskOf(tool, { command: "npm test" })).toBe("risky");
    await expect(
      callTool(broken, "run_command", { command: "true" }, toolContext(workspace)),
    ).rejects.toThrow(
      /run_command is disabled: .*No permissions to create new namespace\. Ask the operator to install bubblewrap/,
    );
  });
});
