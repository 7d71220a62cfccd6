import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load-config.ts";

const root = path.resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

/** SECURITY.md is a claim about the code: the names it uses must exist, and the tests it cites must too. */
describe("SECURITY.md", () => {
  const text = read("SECURITY.md");

  it("is linked from the README", () => {
    expect(read("README.md")).toContain("[SECURITY.md](SECURITY.md)");
  });

  it("says what verified means", () => {
    expect(text).toContain("Verified means the merged commit passed on a clean checkout.");
  });

  it("names only configuration variables that the configuration reads", () => {
    const documented = new Set(read(".env.example").match(/^[A-Z][A-Z0-9_]+(?==)/gm));
    const named = [
      ...new Set(text.match(/\b(?:THREADWORK|SLACK|GIT|GITHUB|ANTHROPIC|OPENAI|DATABASE)_[A-Z0-9_]+/g)),
    ];
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((name) => !documented.has(name))).toEqual([]);
  });

  it("cites only tests and source files that exist", () => {
    const cited = [...new Set(text.match(/(?:test|src|docs)\/[\w./-]+\.(?:ts|md)/g))];
    expect(cited.length).toBeGreaterThan(10);
    expect(cited.filter((file) => !existsSync(path.join(root, file)))).toEqual([]);
  });

  it("states the defaults the code has: sandbox required, owner-or-approvers", () => {
    const config = loadConfig({});
    expect(config.git.sandbox).toBe("required");
    expect(config.approvals.policy).toBe("owner-or-approvers");
    expect(text).toContain("`THREADWORK_SANDBOX=required`, the default");
    expect(text).toContain("`THREADWORK_APPROVAL_POLICY=owner-or-approvers`, the default");
  });
});
