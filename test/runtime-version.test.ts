import { describe, expect, it } from "vitest";

describe("runtime", () => {
  it("runs on Node 24 or later, pinned by the node devDependency", () => {
    const major = Number(process.versions.node.split(".")[0]);
    process.stdout.write(`threadwork tests run on Node ${process.versions.node}\n`);
    expect(major).toBeGreaterThanOrEqual(24);
  });
});
