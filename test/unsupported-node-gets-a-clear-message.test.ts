import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { unsupportedNodeMessage } from "../src/require-node-24.mjs";

const root = path.resolve(import.meta.dirname, "..");
const node = path.join(root, "node_modules/.bin/node");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

function runAs(version: string, args: string[]) {
  return spawnSync(node, ["--import", "./test/fixtures/pretend-old-node.mjs", ...args], {
    cwd: root,
    env: { PRETEND_NODE_VERSION: version },
    encoding: "utf8",
  });
}

describe("an unsupported Node", () => {
  it("is told in one sentence what to do, before any TypeScript loads", () => {
    expect(unsupportedNodeMessage("24.0.0")).toBeUndefined();
    expect(unsupportedNodeMessage("25.1.0")).toBeUndefined();
    expect(unsupportedNodeMessage("22.18.0")).toBe(
      "Threadwork needs Node 24 or later; this is Node 22.18.0. `npm install` fetches Node 24 as a dev dependency and the npm scripts (npm start, npm run chat) run on it; otherwise install Node 24 (nvm install 24) or use the Docker image.\n",
    );
  });

  it("stops npm start with that message, through the script's --import (the way npm runs it)", () => {
    const script = JSON.parse(read("package.json")).scripts.start as string;
    const args = script.replace(/^exec node /, "").split(" ");
    const outcome = runAs("20.20.2", args);
    expect(outcome.status).toBe(1);
    expect(outcome.stdout).toBe("");
    expect(outcome.stderr).toContain("Threadwork needs Node 24 or later; this is Node 20.20.2.");
  });

  it("stops `node src/main.ts`, `node src/chat.ts` and `node src/migrate.ts` run directly on a Node that strips types", () => {
    for (const entry of ["src/main.ts", "src/chat.ts", "src/migrate.ts"]) {
      const outcome = runAs("23.6.0", [entry]);
      expect(outcome.status, entry).toBe(1);
      expect(outcome.stderr, entry).toBe(unsupportedNodeMessage("23.6.0"));
    }
  });
});

describe("the Node story", () => {
  it("is Node 24 in engines, the node dev dependency, the README and the Dockerfile", () => {
    const manifest = JSON.parse(read("package.json")) as {
      engines: { node: string };
      devDependencies: Record<string, string>;
      allowScripts: Record<string, boolean>;
    };
    expect(manifest.engines.node).toBe(">=24");
    expect(manifest.devDependencies.node).toMatch(/^\^24\./);
    // The node package's preinstall fetches the binary: reviewed and allowed, so npm does not warn.
    expect(manifest.allowScripts.node).toBe(true);
    expect(read("README.md")).toContain("Threadwork runs on Node 24");
    expect(read("README.md")).not.toMatch(/Node 20 (or later|is fine)/);
    expect(read("Dockerfile")).toMatch(/^FROM node:24\.\d+\.\d+-slim/m);
  });
});
