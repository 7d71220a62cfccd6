import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** The application's source folder; files below are named relative to it, with forward slashes. */
export const sourceRoot = path.resolve(import.meta.dirname, "../../src");

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Every relative module specifier: imports (value and type), re-exports and dynamic imports. */
export function relativeSpecifiers(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']/g,
    /\bimport\s*["'](\.{1,2}\/[^"']+)["']/g,
    /\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] as string));
}

function relativeToSource(full: string): string {
  return path.relative(sourceRoot, full).split(path.sep).join("/");
}

/** A source file, its text and the source files it imports (specifiers that leave src/ are left out). */
export interface SourceFile {
  file: string;
  text: string;
  imports: string[];
}

/** Every .ts file under src/ with what it imports, each named relative to src/. */
export function sourceImports(): SourceFile[] {
  return sourceFiles(sourceRoot).map((full) => {
    const text = readFileSync(full, "utf8");
    const imports = relativeSpecifiers(text)
      .map((specifier) => relativeToSource(path.resolve(path.dirname(full), specifier)))
      .filter((target) => !target.startsWith(".."));
    return { file: relativeToSource(full), text, imports };
  });
}
