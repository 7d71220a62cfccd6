import { execFile, execFileSync } from "node:child_process";
import { chmod, mkdir, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { temporaryDirectory } from "./repository-fixtures.ts";

const removeTreeModule = fileURLToPath(new URL("../../src/adapters/git/remove-tree.ts", import.meta.url));
const nobody = 65534;
/** Root reads every directory; as root, the service's removal runs as nobody here, as the image runs it as `node`. */
const uid = process.getuid?.() === 0 ? nobody : undefined;

/** `removeTree(path)` in a service process (unprivileged), as the workspace janitor calls it. */
async function removeAsService(path: string): Promise<void> {
  const script = `const { removeTree } = await import(${JSON.stringify(removeTreeModule)}); await removeTree(process.argv[1]);`;
  await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script, path], {
    ...(uid === undefined ? {} : { uid, gid: uid }),
  });
}

describe("removing a finished workspace", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;

  beforeAll(async () => {
    directory = await temporaryDirectory("remove-tree");
  });
  afterAll(async () => {
    await chmod(join(directory.path, "outside"), 0o700).catch(() => undefined);
    await directory.remove();
  });

  it("removes directories a command made unreadable, and changes no mode outside the tree", async () => {
    const tree = join(directory.path, "tree");
    const outside = join(directory.path, "outside");
    await mkdir(join(tree, "a", "b", "c"), { recursive: true });
    await writeFile(join(tree, "a", "b", "c", "file"), "x");
    await mkdir(join(outside, "kept"), { recursive: true });
    await symlink(outside, join(tree, "a", "link"));
    await symlink(outside, join(tree, "link"));
    if (uid !== undefined) execFileSync("chown", ["-R", `${uid}:${uid}`, directory.path]);
    await chmod(outside, 0o000);
    await chmod(join(tree, "a", "b", "c"), 0o000);
    await chmod(join(tree, "a", "b"), 0o000);
    await chmod(join(tree, "a"), 0o000);

    await removeAsService(tree);

    await expect(stat(tree)).rejects.toThrow(/ENOENT/);
    expect((await stat(outside)).mode & 0o7777).toBe(0o000);
    await chmod(outside, 0o700);
    expect((await stat(join(outside, "kept"))).isDirectory()).toBe(true);
  });
});
