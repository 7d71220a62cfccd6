import { describe, expect, it } from "vitest";
import { relativeSpecifiers, sourceImports } from "../helpers/source-imports.ts";

/**
 * Layers, bottom to top. A file may import its own layer or a lower one, never a higher one.
 * src/config/ and logger.ts are shared leaves: anything above the domain may use them.
 */
const layers: Array<{ name: string; rank: number; matches: (file: string) => boolean }> = [
  { name: "domain", rank: 0, matches: (file) => file.startsWith("domain/") },
  {
    name: "shared leaf",
    rank: 1,
    matches: (file) => file === "logger.ts" || file.startsWith("config/"),
  },
  { name: "adapters", rank: 2, matches: (file) => file.startsWith("adapters/") },
  { name: "tools", rank: 3, matches: (file) => file.startsWith("tools/") },
  { name: "runtime", rank: 4, matches: (file) => file.startsWith("runtime/") },
  {
    name: "surfaces and application",
    rank: 5,
    matches: (file) => file.startsWith("surfaces/") || file.startsWith("application/"),
  },
  { name: "entry points", rank: 6, matches: (file) => !file.includes("/") },
];

function layerOf(file: string) {
  const layer = layers.find((candidate) => candidate.matches(file));
  if (!layer) throw new Error(`${file} belongs to no layer`);
  return layer;
}

function upwardImports(): string[] {
  const found: string[] = [];
  for (const { file, imports } of sourceImports()) {
    const from = layerOf(file);
    for (const target of imports) {
      const to = layerOf(target);
      if (to.rank > from.rank) found.push(`${file} (${from.name}) imports ${target} (${to.name})`);
    }
  }
  return found;
}

/** Every package a domain file imports, and every domain file's path: none may name Slack. */
function slackInTheDomain(): string[] {
  const found: string[] = [];
  for (const { file, text } of sourceImports()) {
    if (!file.startsWith("domain/")) continue;
    if (/slack/i.test(file)) found.push(`${file} is named after Slack`);
    for (const match of text.matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\s*\(?\s*["']([^"']+)["']/g)) {
      const specifier = match[1] ?? match[2] ?? "";
      if (/@slack\/|slack/i.test(specifier)) found.push(`${file} imports ${specifier}`);
    }
  }
  return found;
}

describe("layers", () => {
  it("finds imports written every way", () => {
    const source = [
      'import { a } from "../runtime/a.ts";',
      'import type {\n  B,\n  C,\n} from "../runtime/b.ts";',
      'export { d } from "./d.ts";',
      'export type * from "./e.ts";',
      'import "./f.ts";',
      'const g = await import("../g.ts");',
      'import { h } from "node:path";',
    ].join("\n");
    expect(relativeSpecifiers(source).sort()).toEqual(
      ["../runtime/a.ts", "../runtime/b.ts", "./d.ts", "./e.ts", "./f.ts", "../g.ts"].sort(),
    );
  });

  it("no file imports a layer above its own", () => {
    expect(upwardImports()).toEqual([]);
  });

  it("the domain imports nothing about Slack: no @slack package, no Slack layout", () => {
    expect(slackInTheDomain()).toEqual([]);
  });
});
