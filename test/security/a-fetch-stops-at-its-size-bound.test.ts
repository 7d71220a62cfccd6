import { randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRemoteTransport } from "../../src/adapters/git/remote-transport.ts";
import { createWorkspaceManager } from "../../src/adapters/git/workspace-manager.ts";
import { type FakeGitRemote, startFakeGitRemote } from "../fakes/fake-git-remote.ts";
import { createSourceRepository, git, temporaryDirectory } from "../workspace/repository-fixtures.ts";

// isomorphic-git holds a fetched pack in the service's memory: a remote that sends more than
// one fetch may bring is cut off, and no half-made mirror is left behind.
const token = "git-token-secret-fetch-bound";
const maxFetchBytes = 100_000;

describe("a fetch from an https remote", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let remote: FakeGitRemote;

  beforeAll(async () => {
    directory = await temporaryDirectory("fetch-bound");
    const source = join(directory.path, "source");
    // Random bytes do not compress: the pack is about as large as the file.
    await createSourceRepository(source, { "blob.bin": randomBytes(400_000).toString("base64") });
    await git(directory.path, "clone", "-q", "--bare", source, join(directory.path, "remote", "big.git"));
    remote = await startFakeGitRemote({ projectRoot: join(directory.path, "remote"), token });
  });
  afterAll(async () => {
    await remote?.close();
    await directory?.remove();
  });

  it("stops once the remote has sent more than a fetch may bring", async () => {
    const dataDir = join(directory.path, "data");
    const manager = createWorkspaceManager({
      repositories: [{ name: "big", url: remote.url("big.git") }],
      token,
      githubToken: undefined,
      dataDir,
      push: false,
      logger: pino({ level: "silent" }),
      transport: createRemoteTransport({ token, maxFetchBytes }),
    });
    await expect(
      manager.createWorkspace({ sessionId: "s1", agentId: "a1", agentSlug: "fetcher", repoName: "big" }),
    ).rejects.toThrow(/the remote sent more than 100,000 bytes, the most one fetch may bring/);
    expect(await readdir(join(dataDir, "mirrors"))).toEqual([]);
  });
});
