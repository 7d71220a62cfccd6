import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertAgent, updateAgent } from "../../src/adapters/database/agents.ts";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { createSession } from "../../src/adapters/database/sessions.ts";
import { createSessionDiffs } from "../../src/application/session-diffs.ts";
import { createSilentLogger } from "../../src/logger.ts";
import { agentSnapshot } from "../../src/runtime/snapshots.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { createSourceRepository, temporaryDirectory } from "./repository-fixtures.ts";

describe.each(backends)("a session's diff for its code channel, on %s", (backend) => {
  let handle: DatabaseHandle;
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    directory = await temporaryDirectory("session-diff");
  });
  afterAll(async () => {
    await handle?.close();
    await directory?.remove();
  });

  it("joins every sub-agent's changes against its base commit, new files included, and skips a missing copy", async () => {
    const { session } = await createSession(handle.db, {
      surface: "slack",
      conversationKey: "T1:C1:1700000000.000100",
      ownerId: "U1",
    });
    const workspaces = [];
    for (const name of ["queue", "docs"]) {
      const root = join(directory.path, name);
      const baseCommit = await createSourceRepository(root, { "README.md": "hello\n" });
      workspaces.push({ repoName: "app", root, branch: `threadwork/${name}`, baseCommit });
    }
    const [queue, docs] = workspaces;
    if (!queue || !docs) throw new Error("no workspaces");
    await writeFile(join(queue.root, "README.md"), "hello queue\n");
    await writeFile(join(docs.root, "guide.md"), "a new guide\n");
    const gone = { ...queue, root: join(directory.path, "cleaned-up"), branch: "threadwork/gone" };
    for (const workspace of [queue, docs, gone]) {
      const agent = await insertAgent(handle.db, {
        sessionId: session.id,
        role: "worker",
        title: workspace.branch,
        model: "anthropic:claude-haiku-5-5",
        repo: "app",
        status: "running",
      });
      await updateAgent(handle.db, agent.id, { workspace });
      expect(agentSnapshot(agent).repository).toBe("app");
    }

    const diff = await createSessionDiffs({ db: handle.db, logger: createSilentLogger() }).diffOf(session.id);
    expect(diff?.text).toContain("-hello\n+hello queue");
    expect(diff?.text).toContain("diff --git a/guide.md b/guide.md");
    expect(diff?.text).toContain("+a new guide");
    expect(diff?.headBranch).toBeUndefined();
    expect(
      await createSessionDiffs({ db: handle.db, logger: createSilentLogger() }).diffOf("no-session"),
    ).toBeUndefined();
  });
});
