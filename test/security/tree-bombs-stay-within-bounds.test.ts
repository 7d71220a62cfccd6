import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiskTally } from "../../src/adapters/git/disk-usage.ts";
import { createWorkspaceManager } from "../../src/adapters/git/workspace-manager.ts";
import { repositoryOverviewTool } from "../../src/tools/workspace/repository-overview.ts";
import { temporaryDirectory, toolContext } from "../workspace/repository-fixtures.ts";
import { createGrowingFile, createTreeBomb } from "./support/tree-bomb.ts";

// A repository of a few hundred KB whose root names one tree of many empty files again and
// again. Listing every level-two tree in full once collected millions of entries (1.4 GB and a
// blocked event loop for the whole service); checking it out wrote hundreds of thousands of
// files past the workspace quota, which checkouts were outside of.

const mebibyte = 1024 * 1024;

function managerFor(dataDir: string, source: string, workspaceQuotaMb?: number) {
  return createWorkspaceManager({
    repositories: [{ name: "bomb", url: source }],
    token: undefined,
    githubToken: undefined,
    dataDir,
    push: false,
    logger: pino({ level: "silent" }),
    ...(workspaceQuotaMb === undefined ? {} : { workspaceQuotaMb }),
  });
}

describe("repository_overview of a tree bomb", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let source: string;

  beforeAll(async () => {
    directory = await temporaryDirectory("tree-bomb-overview");
    source = join(directory.path, "source");
    await createTreeBomb(source, 50_000, 40);
  });
  afterAll(() => directory.remove());

  it("reads a bounded part of the layout without blocking the service or filling its memory", async () => {
    const manager = managerFor(join(directory.path, "data"), source);
    await manager.defaultBranchOf("bomb"); // the mirror is made before the measurement
    const tool = repositoryOverviewTool({
      repositoryNames: () => manager.repositoryNames(),
      overviewOf: (repoName) => manager.repositoryOverview(repoName),
    });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const before = process.memoryUsage();
    let peakRss = before.rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    delay.enable();
    let text: string;
    try {
      text = await tool.execute({ repo: "bomb" }, toolContext(undefined));
    } finally {
      delay.disable();
      clearInterval(sampler);
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    expect(delay.max / 1e6).toBeLessThan(500);
    expect((peakRss - before.rss) / mebibyte).toBeLessThan(200);
    expect(text).toContain("README.md (head):\n# Bomb");
    expect(text).toMatch(/listing cut after 5,000 entries/);
  });
});

describe("checking out a repository over the workspace quota", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let source: string;
  const quotaMb = 8;

  beforeAll(async () => {
    directory = await temporaryDirectory("tree-bomb-checkout");
    source = join(directory.path, "source");
    // 20,000 empty files: each costs an inode (4 KiB by the quota's count), 78 MiB in all.
    await createTreeBomb(source, 1_000, 20);
  });
  afterAll(() => directory.remove());

  it("is refused when its tree is a bomb of empty files, leaving nothing behind", async () => {
    const dataDir = join(directory.path, "data");
    const manager = managerFor(dataDir, source, quotaMb);
    await expect(
      manager.createWorkspace({ sessionId: "s1", agentId: "a1", agentSlug: "bomber", repoName: "bomb" }),
    ).rejects.toThrow(new RegExp(`over the workspace's ${quotaMb} MiB disk quota`));
    const tally = new DiskTally({ apparent: true });
    await tally.add(join(dataDir, "workspaces"));
    expect(tally.bytes).toBeLessThan(quotaMb * mebibyte);
  });

  it("is stopped when files grow past the quota on their way to disk", async () => {
    const growing = join(directory.path, "growing");
    await createGrowingFile(growing, 3 * mebibyte); // 3 MiB in git, 24 MiB written
    const dataDir = join(directory.path, "data-growing");
    const manager = managerFor(dataDir, growing, quotaMb);
    await expect(
      manager.createWorkspace({ sessionId: "s1", agentId: "a1", agentSlug: "grower", repoName: "bomb" }),
    ).rejects.toThrow(new RegExp(`over the workspace's ${quotaMb} MiB disk quota`));
    const tally = new DiskTally({ apparent: true });
    await tally.add(join(dataDir, "workspaces"));
    expect(tally.bytes).toBeLessThan(quotaMb * mebibyte);
  });
});
