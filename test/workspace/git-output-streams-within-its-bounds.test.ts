import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { streamEveryGitRecord, streamGitRecords } from "../../src/adapters/git/git-records.ts";
import { scaled } from "../helpers/time-scale.ts";
import { createTreeBomb } from "../security/support/tree-bomb.ts";
import { temporaryDirectory } from "./repository-fixtures.ts";

const roomy = { maxRecords: 1_000_000, maxBytes: 100_000_000, timeoutMs: scaled(60_000) };

describe("streamed git output", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  let repository: string;
  const listing = ["ls-tree", "-r", "-z", "main"];

  beforeAll(async () => {
    directory = await temporaryDirectory("git-records");
    repository = join(directory.path, "repository");
    await createTreeBomb(repository, 500, 4); // 2,001 files
  });
  afterAll(() => directory.remove());

  const stream = (limits: typeof roomy, stopAt = Number.POSITIVE_INFINITY) => {
    const records: string[] = [];
    return streamGitRecords(listing, {
      cwd: repository,
      separator: "\0",
      limits,
      onRecord(record) {
        records.push(record);
        return records.length < stopAt;
      },
    }).then((result) => ({ ...result, records }));
  };

  it("hands over every record, whole, when no bound is reached", async () => {
    const result = await stream({ ...roomy, maxRecords: 2_001 });
    expect(result.stopped).toBeUndefined();
    expect(result.records).toHaveLength(2_001);
    expect(result.records.every((record) => /^100644 blob [0-9a-f]{40}\t\S+$/.test(record))).toBe(true);
  });

  it("stops git at the first bound and says which", async () => {
    const byRecords = await stream({ ...roomy, maxRecords: 100 });
    expect(byRecords).toMatchObject({ stopped: "records" });
    expect(byRecords.records).toHaveLength(100);
    const byBytes = await stream({ ...roomy, maxBytes: 1_000 });
    expect(byBytes.stopped).toBe("bytes");
    expect(byBytes.records.join("\0").length).toBeLessThanOrEqual(1_000);
    const byCaller = await stream(roomy, 10);
    expect(byCaller).toMatchObject({ stopped: "caller" });
    expect(byCaller.records).toHaveLength(10);
  });

  it("keeps only what a complete read asks for, and reports a failing git", async () => {
    let count = 0;
    await streamEveryGitRecord(listing, {
      cwd: repository,
      separator: "\0",
      timeoutMs: scaled(60_000),
      onRecord: () => {
        count += 1;
      },
    });
    expect(count).toBe(2_001);
    await expect(
      streamEveryGitRecord(["ls-tree", "no-such-ref"], {
        cwd: repository,
        separator: "\n",
        timeoutMs: scaled(60_000),
        onRecord: () => undefined,
      }),
    ).rejects.toThrow(/git ls-tree failed: fatal: Not a valid object name/);
  });
});
