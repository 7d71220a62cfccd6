import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { McpServers } from "../../src/adapters/mcp/mcp-servers-port.ts";
import {
  filesystemServer,
  nodeModules,
  plainCall,
  reference,
  scopeOf,
  scratchDirectory,
  testMcpServers,
  textOf,
  workspaceAt,
} from "../helpers/mcp-servers.ts";

describe("server-filesystem in the sandbox", () => {
  let base: Awaited<ReturnType<typeof scratchDirectory>>;
  let dataDir: string;
  let workspaceRoot: string;
  const opened: McpServers[] = [];

  function servers(...parameters: Parameters<typeof testMcpServers>): McpServers {
    const created = testMcpServers(...parameters);
    opened.push(created);
    return created;
  }

  beforeAll(async () => {
    base = await scratchDirectory("mcp-files");
    dataDir = path.join(base.path, "data");
    workspaceRoot = path.join(base.path, "workspace");
    await mkdir(dataDir);
    await mkdir(path.join(workspaceRoot, ".git/hooks"), { recursive: true });
    await writeFile(path.join(dataDir, "secret.txt"), "the data directory's secret");
    await writeFile(path.join(workspaceRoot, "notes.txt"), "notes in the workspace");
    await writeFile(path.join(base.path, "beside.txt"), "a file beside the data directory");
  });
  afterAll(async () => {
    await Promise.all(opened.map((each) => each.close()));
    await base?.remove();
  });

  it("scoped to the agent's workspace: reads inside it, and the server refuses a path outside", async () => {
    const mcp = servers({ servers: [filesystemServer([reference("workspace")])], dataDir });
    const scope = scopeOf("worker-1", workspaceAt(workspaceRoot));
    const inside = await mcp.call(
      "files",
      "read_text_file",
      { path: path.join(workspaceRoot, "notes.txt") },
      scope,
      plainCall(),
    );
    expect(inside.isError).toBe(false);
    expect(textOf(inside)).toContain("notes in the workspace");
    const outside = await mcp.call(
      "files",
      "read_text_file",
      { path: path.join(base.path, "beside.txt") },
      scope,
      plainCall(),
    );
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).not.toContain("a file beside");
  });

  it("cannot plant a git hook: the workspace's .git is read-only", async () => {
    const mcp = servers({ servers: [filesystemServer([reference("workspace")])], dataDir });
    const scope = scopeOf("worker-2", workspaceAt(workspaceRoot));
    const hook = path.join(workspaceRoot, ".git/hooks/pre-commit");
    const written = await mcp.call(
      "files",
      "write_file",
      { path: hook, content: "#!/bin/sh\necho owned\n" },
      scope,
      plainCall(),
    );
    expect(written.isError).toBe(true);
    expect(existsSync(hook)).toBe(false);
    const allowed = await mcp.call(
      "files",
      "write_file",
      { path: path.join(workspaceRoot, "written.txt"), content: "fine" },
      scope,
      plainCall(),
    );
    expect(allowed.isError).toBe(false);
    expect(existsSync(path.join(workspaceRoot, "written.txt"))).toBe(true);
  });

  it("configured with a root around the data directory, still cannot read the data directory", async () => {
    const wide = filesystemServer([base.path], { readOnlyPaths: [nodeModules, base.path] });
    const scope = scopeOf("supervisor-1");
    const mcp = servers({ servers: [wide], dataDir });
    const beside = await mcp.call(
      "files",
      "read_text_file",
      { path: path.join(base.path, "beside.txt") },
      scope,
      plainCall(),
    );
    expect(textOf(beside)).toContain("a file beside the data directory");
    const secret = await mcp.call(
      "files",
      "read_text_file",
      { path: path.join(dataDir, "secret.txt") },
      scope,
      plainCall(),
    );
    expect(secret.isError).toBe(true);
    expect(textOf(secret)).not.toContain("the data directory's secret");

    // The same server where the data directory is elsewhere: nothing else stops the read.
    const unhidden = servers({ servers: [wide], dataDir: path.join(base.path, "elsewhere") });
    const read = await unhidden.call(
      "files",
      "read_text_file",
      { path: path.join(dataDir, "secret.txt") },
      scope,
      plainCall(),
    );
    expect(textOf(read)).toContain("the data directory's secret");
  });

  it("hides the app directory too, yet shows a read-only path inside it (where servers are installed)", async () => {
    const app = path.join(base.path, "app");
    await mkdir(path.join(app, "node_modules"), { recursive: true });
    await writeFile(path.join(app, ".env"), "SLACK_BOT_TOKEN=app-secret");
    await writeFile(path.join(app, "node_modules/shown.txt"), "an installed file");
    const wide = filesystemServer([base.path], {
      readOnlyPaths: [nodeModules, base.path, path.join(app, "node_modules")],
    });
    const mcp = servers({ servers: [wide], dataDir, hiddenPaths: [app] });
    const scope = scopeOf("supervisor-4");
    const read = (file: string) => mcp.call("files", "read_text_file", { path: file }, scope, plainCall());
    expect(textOf(await read(path.join(base.path, "beside.txt")))).toContain("a file beside");
    expect(textOf(await read(path.join(app, "node_modules/shown.txt")))).toContain("an installed file");
    const secret = await read(path.join(app, ".env"));
    expect(secret.isError).toBe(true);
    expect(textOf(secret)).not.toContain("app-secret");
  });

  it("refuses a read-only path inside the data directory", async () => {
    const mcp = servers({
      servers: [filesystemServer([dataDir], { readOnlyPaths: [nodeModules, dataDir] })],
      dataDir,
    });
    await expect(mcp.list("files", scopeOf("supervisor-2"))).rejects.toThrow(/inside the data directory/);
  });

  it("is not offered to an agent without a workspace when it needs one, and says why if called", async () => {
    const mcp = servers({ servers: [filesystemServer([reference("workspace")])], dataDir });
    expect(mcp.serversFor({ role: "supervisor" })).toEqual([]);
    expect(mcp.serversFor({ role: "worker", workspace: workspaceAt(workspaceRoot) })).toHaveLength(1);
    await expect(mcp.list("files", scopeOf("supervisor-3"))).rejects.toThrow(/\$\{workspace\}.*no workspace/);
  });
});
