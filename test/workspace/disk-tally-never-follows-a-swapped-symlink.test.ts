import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiskTally, maximumDepth } from "../../src/adapters/git/disk-usage.ts";
import { scaled } from "../helpers/time-scale.ts";
import { temporaryDirectory } from "./repository-fixtures.ts";

// The walker itself, racing a process that exchanges directories of the tree with symlinks
// to a directory outside it: whatever the timing, it never lists, measures or removes
// anything there. A `visit` that removes every file named `victim` stands for the removal
// of git hazards after a command.
const race = `
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
tree, target = sys.argv[1], sys.argv[2]
pairs = []
for index in range(40):
    directory, link = os.path.join(tree, f"d{index}"), os.path.join(tree, f"l{index}")
    os.mkdir(directory)
    open(os.path.join(directory, "victim"), "w").close()
    os.symlink(target, link)
    pairs.append((directory.encode(), link.encode()))
print("READY", flush=True)
while True:
    for directory, link in pairs:
        libc.renameat2(-100, directory, -100, link, 2)
`;

function openDescriptors(): Promise<number> {
  return readdir("/proc/self/fd").then((names) => names.length);
}

describe("the disk tally never follows a swapped symlink", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;

  beforeAll(async () => {
    directory = await temporaryDirectory("tally-race");
  });
  afterAll(() => directory.remove());

  it("never visits, counts or removes anything behind a symlink exchanged into the tree", {
    timeout: scaled(120_000),
  }, async () => {
    const tree = join(directory.path, "tree");
    const outside = join(directory.path, "outside");
    await mkdir(tree);
    await mkdir(outside);
    await writeFile(join(outside, "victim"), "host file\n");
    await writeFile(join(outside, "marker"), "x".repeat(4_000_000));
    const racer = spawn("python3", ["-c", race, tree, outside], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      await new Promise<void>((resolve, reject) => {
        racer.stdout.on("data", (chunk: Buffer) => {
          if (chunk.toString().includes("READY")) resolve();
        });
        racer.on("exit", (code) => reject(new Error(`the racer exited (${code})`)));
      });
      const baseline = await openDescriptors();
      const seen: string[] = [];
      for (let round = 0; round < 300; round += 1) {
        const tally = new DiskTally({
          apparent: true,
          visit: (path) => {
            seen.push(path);
            return path.endsWith("/victim");
          },
        });
        await tally.add(tree);
        expect(tally.bytes).toBeLessThan(2_000_000);
        expect(tally.unmeasured).toEqual([]);
      }
      expect(seen.some((path) => path.endsWith("/marker"))).toBe(false);
      expect(await openDescriptors()).toBe(baseline);
    } finally {
      racer.kill("SIGKILL");
    }
    expect((await stat(join(outside, "victim"))).isFile()).toBe(true);
  });

  it("reports a tree deeper than it opens as unmeasured, and holds few descriptors on a wide one", async () => {
    const deep = join(directory.path, "deep");
    let path = deep;
    for (let level = 0; level <= maximumDepth + 2; level += 1) path = join(path, "d");
    await mkdir(path, { recursive: true });
    const tally = new DiskTally();
    await tally.add(deep);
    expect(tally.unmeasured).toHaveLength(1);
    expect(tally.unmeasured[0]?.reason).toBe("too deep");

    const wide = join(directory.path, "wide");
    for (let index = 0; index < 200; index += 1) {
      await mkdir(join(wide, `a${index}`, "b", "c"), { recursive: true });
      await writeFile(join(wide, `a${index}`, "b", "c", "file"), "x");
    }
    const baseline = await openDescriptors();
    let most = 0;
    const sampling = new DiskTally({
      visit: () => {
        most = Math.max(most, readdirSync("/proc/self/fd").length - baseline);
        return false;
      },
    });
    await sampling.add(wide);
    expect(sampling.unmeasured).toEqual([]);
    expect(most).toBeLessThan(64);
    expect(await openDescriptors()).toBe(baseline);
  });
});
