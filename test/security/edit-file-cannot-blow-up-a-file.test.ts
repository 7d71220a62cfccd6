import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceLayout, runInService, type ServiceLayout } from "./support/command-service.ts";

/**
 * edit_file needs no approval. With replace_all, a short `old` and a long `new` multiply
 * a file's size: 2 MB of "a" with a 300-character `new` is a 600-million-character
 * string, built in the service's own memory (and written to disk outside any quota).
 */
describe("edit_file cannot blow a file up", () => {
  let layout: ServiceLayout;

  beforeAll(async () => {
    layout = await createServiceLayout("edit-growth");
  });
  afterAll(async () => {
    await layout?.remove();
  });

  it("refuses an edit whose result would exceed the largest file the tools read, and still edits normally", async () => {
    const { results } = await runInService(layout, [
      { tool: "write_file", input: { path: "small.txt", content: "one two one\n" } },
      { tool: "edit_file", input: { path: "small.txt", old: "one", new: "three", replace_all: true } },
      { tool: "read_file", input: { path: "small.txt" } },
      { tool: "write_file", input: { path: "big.txt", content: "a".repeat(2_000_000) } },
      { tool: "edit_file", input: { path: "big.txt", old: "a", new: "b".repeat(300), replace_all: true } },
    ]);
    expect(results[1]?.result).toMatch(/Replaced 2 occurrences/);
    expect(results[2]?.result).toContain("three two three");
    expect(results[4]?.error).toMatch(/Nothing was written: "big\.txt" would be \d+ bytes, more than/);
  });
});
