import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { placeSharedFiles } from "../../src/adapters/workspace/place-shared-files.ts";
import { type SharedFile, safeSharedFileName } from "../../src/domain/shared-files.ts";

const file = (name: string, content = "x\n"): SharedFile => ({
  id: "F0ATTACK",
  name,
  mediaType: "text/plain",
  kind: "file",
  size: Buffer.byteLength(content),
  data: Buffer.from(content).toString("base64"),
});

// A file's name comes from whoever shared it in Slack: it must never name a place outside
// the shared-files folder, hide itself, carry control characters or run long.
describe("a shared file's name stays one plain name in .threadwork/files", () => {
  it.each([
    ["../../../etc/passwd", "F0ATTACK-passwd"],
    ["..\\..\\windows\\system32", "F0ATTACK-system32"],
    ["/etc/shadow", "F0ATTACK-shadow"],
    ["..", "F0ATTACK"],
    [".bashrc", "F0ATTACK-bashrc"],
    ["a\u0000b.log", "F0ATTACK-ab.log"],
    ["line\nbreak.txt", "F0ATTACK-linebreak.txt"],
    ["", "F0ATTACK"],
    ["build.log", "F0ATTACK-build.log"],
  ])("%j becomes %j", (name, expected) => {
    expect(safeSharedFileName(name, "F0ATTACK")).toBe(expected);
  });

  it("cuts an overlong name, in bytes, and never leaves a separator or NUL", () => {
    const name = safeSharedFileName(`${"é".repeat(400)}/${"a".repeat(300)}`, "F0LONG");
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(130);
    expect(name).not.toMatch(/[/\\\0]/);
  });

  it("keeps an id that is not Slack's from adding separators", () => {
    expect(safeSharedFileName("a.txt", "../F0")).toBe("F0-a.txt");
  });
});

describe("placing shared files never writes through a symlink", () => {
  let root: string;
  let outside: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "threadwork-place-"));
    outside = await mkdtemp(join(tmpdir(), "threadwork-outside-"));
    await mkdir(join(root, ".git", "info"), { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it("places files under their safe names and keeps the folder out of commits", async () => {
    const names = await placeSharedFiles(root, [file("../../evil.log", "evil\n"), file("ok.txt", "ok\n")]);
    expect(names).toEqual(["F0ATTACK-evil.log", "F0ATTACK-ok.txt"]);
    expect(await readdir(join(root, ".threadwork", "files"))).toEqual([
      "F0ATTACK-evil.log",
      "F0ATTACK-ok.txt",
    ]);
    expect(await readFile(join(root, ".threadwork", "files", "F0ATTACK-evil.log"), "utf8")).toBe("evil\n");
    expect(await readFile(join(root, ".git", "info", "exclude"), "utf8")).toContain("/.threadwork/files");
    expect(await readdir(outside)).toEqual([]);
  });

  it("refuses a repository whose .threadwork is a symlink out of the working copy", async () => {
    await symlink(outside, join(root, ".threadwork"));
    await expect(placeSharedFiles(root, [file("a.log")])).rejects.toThrow(/not a plain directory/);
    expect(await readdir(outside)).toEqual([]);
  });

  it("refuses a planted files folder that is a symlink", async () => {
    await mkdir(join(root, ".threadwork"));
    await symlink(outside, join(root, ".threadwork", "files"));
    await expect(placeSharedFiles(root, [file("a.log")])).rejects.toThrow(/not a plain directory/);
    expect(await readdir(outside)).toEqual([]);
  });

  it("never follows a planted symlink in the file's own place", async () => {
    await mkdir(join(root, ".threadwork", "files"), { recursive: true });
    const target = join(outside, "target");
    await writeFile(target, "untouched\n");
    await symlink(target, join(root, ".threadwork", "files", "F0ATTACK-a.log"));
    await expect(placeSharedFiles(root, [file("a.log", "overwritten\n")])).rejects.toThrow();
    expect(await readFile(target, "utf8")).toBe("untouched\n");
  });
});
