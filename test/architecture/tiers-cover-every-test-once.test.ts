import { globSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import config, { allTests, processTests, unitTests } from "../../vitest.config.ts";

const root = path.resolve(import.meta.dirname, "../..");
const matching = (include: string[], exclude: string[] = []) =>
  new Set(globSync(include, { cwd: root, exclude }).map((file) => file.split(path.sep).join("/")));

const tiers = (config.test?.projects ?? []).map((project) => {
  if (typeof project !== "object" || !("test" in project) || !project.test)
    throw new Error("inline projects only");
  const { name, include = [], exclude = [] } = project.test;
  return { name: String(name), files: matching(include, exclude) };
});

describe("the test tiers", () => {
  it("put every test file in exactly one tier", () => {
    expect(tiers.map((tier) => tier.name)).toEqual(["unit", "integration", "process"]);
    const misplaced = [...matching(allTests)].flatMap((file) => {
      const owners = tiers.filter((tier) => tier.files.has(file)).map((tier) => tier.name);
      return owners.length === 1 ? [] : [`${file}: ${owners.join(", ") || "no tier"}`];
    });
    expect(misplaced).toEqual([]);
  });

  it("list no file or folder that is not there", () => {
    const stale = [...unitTests, ...processTests].filter((pattern) => matching([pattern]).size === 0);
    expect(stale).toEqual([]);
  });

  it("keep databases, servers and processes out of the unit tier", () => {
    const impure =
      /from "(?:node:child_process|node:http|node:net|[./]*\/helpers\/(?:database|runtime-processes)\.ts|[./]*\/fakes\/fake-[\w-]+\.ts)"/;
    const unit = tiers.find((tier) => tier.name === "unit")?.files ?? new Set<string>();
    const offending = [...unit].filter((file) => impure.test(readFileSync(path.join(root, file), "utf8")));
    expect(offending).toEqual([]);
  });
});
