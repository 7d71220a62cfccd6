import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const document = readFileSync(path.join(root, "docs/architecture.md"), "utf8");

/** The layer diagram: the first fenced block under "## Layers". */
function layerDiagram(): string {
  const section = document.slice(document.indexOf("## Layers"));
  const start = section.indexOf("```\n") + 4;
  return section.slice(start, section.indexOf("```", start));
}

/** The names a folder of src/ holds: `name/` for a folder, `name` for a file without its extension. */
function entries(folder: string, { files }: { files: boolean }): string[] {
  return readdirSync(path.join(root, "src", folder), { withFileTypes: true })
    .filter((entry) => (entry.isDirectory() ? true : files && !entry.name.endsWith(".d.mts")))
    .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name.replace(/\.ts$/, "")));
}

function missingFrom(text: string, names: string[]): string[] {
  return names.filter(
    (name) => !new RegExp(`(?<![\\w-])${name.replaceAll(".", "\\.")}(?![\\w-])`).test(text),
  );
}

describe("docs/architecture.md", () => {
  it("names every entry point, layer folder, adapter, tool area and application part in its layer diagram", () => {
    const diagram = layerDiagram();
    const topFiles = entries("", { files: true }).filter((name) => !name.endsWith("/"));
    const topFolders = entries("", { files: false });
    expect(
      missingFrom(
        diagram,
        topFiles.map((name) => (name.endsWith(".mjs") ? name : `${name}.ts`)),
      ),
    ).toEqual([]);
    expect(
      missingFrom(
        diagram,
        topFolders.map((name) => name.replace(/\/$/, "")),
      ),
    ).toEqual([]);
    expect(
      missingFrom(
        diagram,
        entries("adapters", { files: false }).map((name) => name.slice(0, -1)),
      ),
    ).toEqual([]);
    expect(missingFrom(diagram, entries("tools", { files: false }))).toEqual([]);
    expect(missingFrom(diagram, entries("application", { files: true }))).toEqual([]);
  });

  it("lists every method of the workspaces port", () => {
    const port = readFileSync(path.join(root, "src/domain/workspaces-port.ts"), "utf8");
    const body = port.slice(port.indexOf("export interface WorkspacesPort"));
    const methods = [...body.matchAll(/^ {2}(\w+\??)\(/gm)].map((match) => match[1] as string);
    const listed = document.match(/WorkspacesPort \{([^}]*)\}/)?.[1] ?? "";
    expect(methods.length).toBeGreaterThan(0);
    expect(
      listed
        .replaceAll("//", "")
        .split(",")
        .map((name) => name.trim())
        .sort(),
    ).toEqual(methods.sort());
  });
});
