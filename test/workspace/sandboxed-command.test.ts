import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultCommandLimits } from "../../src/adapters/process/command-limits.ts";
import { planSandboxedShell } from "../../src/adapters/process/sandbox.ts";
import { detectSandbox } from "../../src/adapters/process/sandbox-probe.ts";
import type { Workspace } from "../../src/domain/tool.ts";
import { createWorkspaceTools } from "../../src/tools/workspace/create-workspace-tools.ts";
import { callTool, createSourceRepository, temporaryDirectory, toolContext } from "./repository-fixtures.ts";

const sandbox = await detectSandbox("required");
const bwrapUsable = sandbox.state === "active";

describe(`run_command under bubblewrap (${bwrapUsable ? "usable" : "not usable"} here)`, () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let workspace: Workspace;
  let hiddenData: string;
  const server = createServer((socket) => socket.end("reachable\n"));

  beforeAll(async () => {
    directory = await temporaryDirectory("sandbox");
    hiddenData = join(directory.path, "data");
    const root = join(hiddenData, "workspaces", "s", "agent");
    await mkdir(join(hiddenData, "workspaces", "s", "other"), { recursive: true });
    await writeFile(join(hiddenData, "workspaces", "s", "other", "private.txt"), "other agent\n");
    const base = await createSourceRepository(root, { "README.md": "hi\n" });
    workspace = { repoName: "demo", root, branch: "main", baseCommit: base };
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    server.close();
    await directory.remove();
  });

  it("has no network, only the workspace writable, and other workspaces hidden; or refuses when bwrap is not usable", async () => {
    const tools = createWorkspaceTools({ allowCommands: [], sandbox: "required", hiddenPaths: [hiddenData] });
    const call = (command: string) => callTool(tools, "run_command", { command }, toolContext(workspace));
    if (!bwrapUsable) {
      await expect(call("true")).rejects.toThrow(
        /run_command is disabled: .*(is not installed|cannot run here)/,
      );
      return;
    }
    const port = (server.address() as AddressInfo).port;
    const outside = join(directory.path, "outside.txt");
    expect(await call("echo made > inside.txt && git status --porcelain")).toMatch(
      /^\[exit code 0, .*sandboxed\]\n\?\? inside.txt/,
    );
    expect(await readFile(join(workspace.root, "inside.txt"), "utf8")).toBe("made\n");
    // /tmp is private, on disk beside the workspace: the write lands there, never in the host's /tmp.
    await call(`echo x > ${outside}`);
    expect(existsSync(outside)).toBe(false);
    expect(await call("echo private > /tmp/note && cat /tmp/note")).toMatch(/\nprivate$/);
    expect(await readFile(`${workspace.root}.tmp/note`, "utf8")).toBe("private\n");
    expect(await call("echo x > /etc/threadwork-sandbox-test")).toMatch(
      /exit code 1.*\n.*Read-only file system/,
    );
    expect(existsSync("/etc/threadwork-sandbox-test")).toBe(false);
    expect(await call(`cat < /dev/tcp/127.0.0.1/${port}`)).toMatch(/exit code 1/);
    // No capabilities, even when the service runs as root.
    expect(await call("grep CapEff /proc/self/status")).toMatch(/CapEff:\s+0+$/);
    expect(await call("ls ../other")).toMatch(/exit code 2/);
    // .git stays read-only: no hooks or config for git to run later outside the sandbox.
    expect(await call("echo evil > .git/hooks/pre-commit")).toMatch(/exit code 1.*\n.*Read-only file system/);
    expect(await call("git config core.fsmonitor evil")).toMatch(/exit code [1-9]/);
    expect(existsSync(join(workspace.root, ".git", "hooks", "pre-commit"))).toBe(false);
  });

  it("hides a data directory that lies under a mounted system directory, except the agent's own workspace", async () => {
    const planned = planSandboxedShell({
      command: "true",
      limits: defaultCommandLimits,
      workspaceRoot: "/usr/share/doc/ws",
      home: "/usr/share/doc/ws.home",
      temporaryDirectory: "/usr/share/doc/ws.tmp",
      hiddenPaths: ["/usr/share/doc", "/usr", "/", "/nonexistent-threadwork"],
      searchPath: "/usr/bin:/bin",
      bwrapPath: "/usr/bin/bwrap",
    }).args.join(" ");
    // Covered before the workspace is bound inside it, sealed read-only after; system roots never hidden.
    expect(planned).toMatch(
      /--tmpfs \/usr\/share\/doc .*--bind \/usr\/share\/doc\/ws .*--remount-ro \/usr\/share\/doc --chdir/,
    );
    expect(planned).not.toMatch(/--tmpfs \/usr |--tmpfs \/ |nonexistent-threadwork/);
    if (!bwrapUsable) return;
    // Only root can create a data directory under /opt; elsewhere the plan above is the check.
    let data: string;
    try {
      await mkdir("/opt", { recursive: true });
      data = await mkdtemp("/opt/threadwork-sandbox-test-");
    } catch {
      return;
    }
    try {
      const root = join(data, "workspaces", "s", "agent");
      await mkdir(join(data, "workspaces", "s", "other"), { recursive: true });
      await writeFile(join(data, "workspaces", "s", "other", "private.txt"), "other agent\n");
      await writeFile(join(data, "secret.txt"), "data secret\n");
      const base = await createSourceRepository(root, { "README.md": "hi\n" });
      const optWorkspace = { repoName: "demo", root, branch: "main", baseCommit: base };
      const tools = createWorkspaceTools({ allowCommands: [], sandbox: "required", hiddenPaths: [data] });
      const call = (command: string) =>
        callTool(tools, "run_command", { command }, toolContext(optWorkspace));
      const output = await call(
        `cat README.md; cat ${data}/secret.txt ../other/private.txt; touch ${data}/planted`,
      );
      expect(output).toMatch(/sandboxed\]\nhi\n/);
      expect(output).not.toContain("data secret");
      expect(output).not.toContain("other agent");
      expect(output).toMatch(/Read-only file system/);
      expect(existsSync(join(data, "planted"))).toBe(false);
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });
});
