import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { environmentSchema } from "../../src/config/environment-schema.ts";
import { parsedVariables } from "../../src/config/environment-variables.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { renderHelp } from "../../src/config/settings-text.ts";

const root = path.resolve(import.meta.dirname, "../..");
const withDefaults = parsedVariables.flatMap((entry) =>
  "default" in entry && entry.default !== undefined ? [{ name: entry.name, text: entry.default }] : [],
);

describe("a variable's default", () => {
  it("is what an unset variable reads as, through the variable's own parser", () => {
    expect(withDefaults.length).toBeGreaterThan(15);
    const unset = environmentSchema.parse({});
    const given = environmentSchema.parse(
      Object.fromEntries(withDefaults.map(({ name, text }) => [name, text])),
    );
    for (const { name } of withDefaults) expect(given[name], name).toEqual(unset[name]);
  });

  it("is the value .env.example starts with and what --help states", () => {
    const example = readFileSync(path.join(root, ".env.example"), "utf8");
    const help = renderHelp("start").replace(/\s+/g, " ");
    for (const { name, text } of withDefaults) {
      expect(example, name).toMatch(
        new RegExp(`^${name}=${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"),
      );
      expect(help, name).toContain(`Default: ${text}.`);
    }
  });

  it("loads the same configuration whether .env.example's starting values are given or left unset", () => {
    const given = Object.fromEntries(withDefaults.map(({ name, text }) => [name, text]));
    expect(loadConfig(given)).toEqual(loadConfig({}));
  });
});
