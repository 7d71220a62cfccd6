import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffAgainst } from "../../src/adapters/git/working-copy.ts";
import { createSourceRepository, temporaryDirectory } from "./repository-fixtures.ts";

/**
 * Git trusts an index entry's cached stat when the file is older than the index. The diff
 * stages into a copy of the index; a copy stamped later than the edit hid an edit of the
 * same size made in the second of the checkout (seen as a flaky `git_diff` "No changes.").
 */
describe("the workspace diff", () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  beforeAll(async () => {
    directory = await temporaryDirectory("racy-diff");
  });
  afterAll(async () => {
    await directory?.remove();
  });

  it("shows a same-size edit made in the same second as the checkout", async () => {
    for (const attempt of [1, 2]) {
      const root = join(directory.path, `repository-${attempt}`);
      const base = await createSourceRepository(root, { "src/app.ts": "export const version = 1;\n" });
      await writeFile(join(root, "src", "app.ts"), "export const version = 2;\n");
      // The diff's index copy is made in a later second than the edit.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await diffAgainst(root, base)).toContain("+export const version = 2;");
    }
  });
});
