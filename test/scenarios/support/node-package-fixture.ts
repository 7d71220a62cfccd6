import type { FakeNpmRegistry, FakePackage } from "../../fakes/fake-npm-registry.ts";

/** The dependency the fixture installs in setup: the registry serves it. */
export const fixtureDependency: FakePackage = {
  name: "fixture-math",
  version: "1.0.0",
  files: { "index.js": "exports.add = (left, right) => left + right;\n" },
};

/** The bug the scripted worker fixes: the sum starts at 1. */
export const buggyLine = "items.reduce((sum, item) => add(sum, item), 1)";
export const fixedLine = "items.reduce((sum, item) => add(sum, item), 0)";

/**
 * A small Node package whose unit test fails: `total([1, 2, 3])` is 7, not 6. Its one
 * dependency comes from `registry` (its lock file and `.npmrc` point there), so `npm ci`
 * installs it and `npm test` (node's test runner) needs it.
 */
export function nodePackageFiles(registry: FakeNpmRegistry): Record<string, string> {
  const dependency = registry.lockEntry(fixtureDependency.name, fixtureDependency.version);
  const manifest = {
    name: "widgets",
    version: "1.0.0",
    private: true,
    scripts: { test: "node --test" },
    dependencies: { [fixtureDependency.name]: fixtureDependency.version },
  };
  const lock = {
    name: "widgets",
    version: "1.0.0",
    lockfileVersion: 3,
    requires: true,
    packages: {
      "": {
        name: "widgets",
        version: "1.0.0",
        dependencies: { [fixtureDependency.name]: fixtureDependency.version },
      },
      [`node_modules/${fixtureDependency.name}`]: { ...dependency, license: "MIT" },
    },
  };
  return {
    "package.json": `${JSON.stringify(manifest, null, 2)}\n`,
    "package-lock.json": `${JSON.stringify(lock, null, 2)}\n`,
    ".npmrc": `registry=${registry.url}/\nupdate-notifier=false\naudit=false\nfund=false\n`,
    ".gitignore": "node_modules/\n",
    "AGENTS.md":
      "# Widgets\n\nRun `npm test` before you finish. Keep `src/total.js` free of dependencies but fixture-math.\n",
    "src/total.js": `const { add } = require("fixture-math");\n\nexports.total = (items) => ${buggyLine};\n`,
    "test/total.test.js": [
      'const test = require("node:test");',
      'const assert = require("node:assert");',
      'const { total } = require("../src/total.js");',
      "",
      'test("total adds the items", () => {',
      "  assert.strictEqual(total([1, 2, 3]), 6);",
      "});",
      "",
    ].join("\n"),
  };
}
