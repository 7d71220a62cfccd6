import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Workspace } from "../../src/domain/tool.ts";
import { attachFileTool } from "../../src/tools/workspace/attach-file.ts";
import { temporaryDirectory, toolContext } from "../workspace/repository-fixtures.ts";

type Attached = { fileName: string; title: string; localPath: string; data: string; size: number };

// A worker (steered by whatever it read) may try to attach a file outside its working copy, a
// link to one, or a secret; attach_file reads as read_file reads and redacts text.
describe("attach_file shows only the workspace's own regular files, redacted", () => {
  let root: { path: string; remove: () => Promise<void> };
  let outside: { path: string; remove: () => Promise<void> };
  let workspace: Workspace;
  const attached: Attached[] = [];
  const tool = attachFileTool({ maximumBytes: 1024 });
  const attach = (input: { path: string; title?: string }) =>
    tool.execute(input, {
      ...toolContext(workspace),
      services: { attachFile: (file: Attached) => attached.push(file) },
    });

  beforeAll(async () => {
    root = await temporaryDirectory("attach");
    outside = await temporaryDirectory("attach-outside");
    await writeFile(join(outside.path, "id_rsa"), "PRIVATE KEY\n");
    await writeFile(join(root.path, "notes.txt"), "token sk-ant-abcdefghijklmnop here\n");
    await writeFile(join(root.path, "big.log"), "x".repeat(2048));
    await writeFile(join(root.path, "blob.bin"), Buffer.from([0, 159, 146, 150, 0, 255]));
    await symlink(join(outside.path, "id_rsa"), join(root.path, "key"));
    await mkdir(join(root.path, "dir"));
    workspace = { repoName: "app", root: root.path, branch: "tw/a", baseCommit: "abc" };
  });
  afterAll(async () => {
    await root?.remove();
    await outside?.remove();
  });

  it("refuses paths out of the workspace, a symlink out of it, a directory and an oversize file", async () => {
    await expect(attach({ path: "../attach-outside/id_rsa" })).rejects.toThrow(/outside the workspace/);
    await expect(attach({ path: join(outside.path, "id_rsa") })).rejects.toThrow(/Absolute paths/);
    await expect(attach({ path: "key" })).rejects.toThrow();
    await expect(attach({ path: "dir" })).rejects.toThrow(/directory/);
    await expect(attach({ path: "big.log" })).rejects.toThrow(/over the 1 KiB limit/);
    expect(attached).toEqual([]);
  });

  it("redacts a text file and sends a binary one byte for byte", async () => {
    await attach({ path: "notes.txt", title: "Notes sk-ant-abcdefghijklmnop" });
    await attach({ path: "blob.bin" });
    const [notes, blob] = attached;
    expect(Buffer.from(notes?.data ?? "", "base64").toString("utf8")).toBe("token [REDACTED] here\n");
    expect(notes?.title).toBe("Notes [REDACTED]");
    expect(Buffer.from(blob?.data ?? "", "base64")).toEqual(Buffer.from([0, 159, 146, 150, 0, 255]));
  });
});
