import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

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

const sourceRoot = path.resolve(import.meta.dirname, "../../src");

function layerOf(file: string) {
  const layer = layers.find((candidate) => candidate.matches(file));
  if (!layer) throw new Error(`${file} belongs to no layer`);
  return layer;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Every relative module specifier: imports (value and type), re-exports and dynamic imports. */
function relativeSpecifiers(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']/g,
    /\bimport\s*["'](\.{1,2}\/[^"']+)["']/g,
    /\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] as string));
}

function upwardImports(): string[] {
  const found: string[] = [];
  for (const full of sourceFiles(sourceRoot)) {
    const file = path.relative(sourceRoot, full).split(path.sep).join("/");
    const from = layerOf(file);
    for (const specifier of relativeSpecifiers(readFileSync(full, "utf8"))) {
      const target = path
        .relative(sourceRoot, path.resolve(path.dirname(full), specifier))
        .split(path.sep)
        .join("/");
      if (target.startsWith("..")) continue;
      const to = layerOf(target);
      if (to.rank > from.rank) found.push(`${file} (${from.name}) imports ${target} (${to.name})`);
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
});
