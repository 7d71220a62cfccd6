import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { environmentSchema } from "../../src/config/environment-schema.ts";
import { environmentSections } from "../../src/config/environment-variable.ts";
import { environmentVariables } from "../../src/config/environment-variables.ts";
import { defaultModels } from "../../src/config/model-roles.ts";
import { renderEnvExample, renderHelp } from "../../src/config/settings-text.ts";

const root = path.resolve(import.meta.dirname, "../..");
const node = path.join(root, "node_modules/.bin/node");

function run(script: string, ...args: string[]) {
  // No variables at all: --help must not need any.
  return spawnSync(node, [script, ...args], { cwd: root, env: {}, encoding: "utf8" });
}

describe("the table of environment variables", () => {
  it("documents exactly the variables the schema reads, and the standard ones read elsewhere", () => {
    const parsedBySchema = environmentVariables.filter((variable) => !("readBy" in variable));
    expect(parsedBySchema.map((variable) => variable.name).sort()).toEqual(
      Object.keys(environmentSchema.shape).sort(),
    );
    for (const variable of environmentVariables) {
      expect(environmentSections, variable.name).toContain(variable.section);
      expect(variable.description.length, variable.name).toBeGreaterThan(10);
    }
  });

  it("states the model defaults the code has", () => {
    const text = renderHelp("start");
    for (const [provider, models] of Object.entries(defaultModels)) {
      expect(text).toContain(`${provider}:${models.supervisor}`);
      expect(text).toContain(`${provider}:${models.worker}`);
    }
  });

  it("is what .env.example holds (npm run config:env-example writes it)", () => {
    expect(readFileSync(path.join(root, ".env.example"), "utf8")).toBe(renderEnvExample());
  });
});

describe("--help", () => {
  it("npm start -- --help prints the usage and every setting by section, and needs no configuration", () => {
    const outcome = run("src/main.ts", "--help");
    expect(outcome.status).toBe(0);
    expect(outcome.stderr).toBe("");
    expect(outcome.stdout).toBe(renderHelp("start"));
    expect(outcome.stdout).toMatch(/^Usage: npm start \[-- --help\]\n/);
    for (const section of environmentSections) expect(outcome.stdout).toContain(`\n${section}:\n`);
    for (const variable of environmentVariables)
      expect(outcome.stdout).toMatch(new RegExp(`^  ${variable.name} `, "m"));
    expect(outcome.stdout).toMatch(/^ {2}PORT +HTTP port: POST \/slack\/events in HTTP mode/m);
    for (const line of outcome.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
  });

  it("npm run chat -- --help and -h print the chat's usage with the same settings", () => {
    const outcome = run("src/chat.ts", "-h");
    expect(outcome.status).toBe(0);
    expect(outcome.stdout).toBe(renderHelp("chat"));
    expect(outcome.stdout).toMatch(
      /^Usage: npm run chat \[-- --help\]\n\nTalks to Threadwork at the terminal, without Slack/,
    );
    expect(outcome.stdout.slice(outcome.stdout.indexOf("General:"))).toBe(
      renderHelp("start").slice(renderHelp("start").indexOf("General:")),
    );
  });

  it("an unknown argument is refused with a pointer to --help", () => {
    const outcome = run("src/main.ts", "--port=4000");
    expect(outcome.status).toBe(2);
    expect(outcome.stdout).toBe("");
    expect(outcome.stderr).toBe(
      "Unknown argument --port=4000: settings are environment variables; npm start -- --help lists them\n",
    );
  });
});
