import path from "node:path";
import type { FunctionLikeDeclaration, Node, SourceFile as ParsedFile } from "typescript/unstable/ast";
import {
  isConstructorDeclaration,
  isFunctionLikeDeclaration,
  isPropertyAssignment,
  isVariableDeclaration,
} from "typescript/unstable/ast/is";
import { API } from "typescript/unstable/sync";
import { type SourceFile, sourceImports, sourceRoot } from "./source-imports.ts";

/**
 * Size measures of src/: files over a line count, and functions over a line count (every
 * function, method, accessor, constructor and arrow function with a body, first line to last;
 * a nested function is counted on its own and inside its outer one). The functions are found
 * with the TypeScript compiler's own parser. Run `npx node test/helpers/source-measures.ts` for
 * the report.
 */
export interface Measured {
  file: string;
  name: string;
  lines: number;
}

function lineCount(text: string): number {
  const lines = text.split("\n");
  return text.endsWith("\n") ? lines.length - 1 : lines.length;
}

export function filesLongerThan(limit: number, files: SourceFile[] = sourceImports()): Measured[] {
  return files
    .map(({ file, text }) => ({ file, name: file, lines: lineCount(text) }))
    .filter((measured) => measured.lines > limit)
    .sort((left, right) => right.lines - left.lines);
}

function lineOf(parsed: ParsedFile, position: number): number {
  return parsed.getLineAndCharacterOfPosition(position).line + 1;
}

function functionName(node: FunctionLikeDeclaration, parsed: ParsedFile): string {
  if ("name" in node && node.name) return node.name.getText(parsed);
  if (isConstructorDeclaration(node)) return "constructor";
  const parent = node.parent;
  if (parent && (isVariableDeclaration(parent) || isPropertyAssignment(parent))) {
    return parent.name.getText(parsed);
  }
  return `(anonymous at line ${lineOf(parsed, node.getStart(parsed))})`;
}

export function functionsLongerThan(limit: number, files: SourceFile[] = sourceImports()): Measured[] {
  const api = new API({ cwd: path.dirname(sourceRoot) });
  try {
    const project = api.updateSnapshot({ openProject: "tsconfig.json" }).getProjects()[0];
    if (!project) throw new Error("tsconfig.json opened no project");
    const found: Measured[] = [];
    for (const { file } of files) {
      const parsed = project.program.getSourceFile(path.join(sourceRoot, file));
      if (!parsed) throw new Error(`the compiler did not read src/${file}`);
      const visit = (node: Node): void => {
        if (isFunctionLikeDeclaration(node) && node.body) {
          const lines = lineOf(parsed, node.end) - lineOf(parsed, node.getStart(parsed)) + 1;
          if (lines > limit) found.push({ file, name: functionName(node, parsed), lines });
        }
        node.forEachChild(visit);
      };
      parsed.forEachChild(visit);
    }
    return found.sort((left, right) => right.lines - left.lines);
  } finally {
    api.close();
  }
}

if (import.meta.main) {
  const files = sourceImports();
  const report = (title: string, measured: Measured[]) => {
    console.log(`${title}: ${measured.length}`);
    for (const { file, name, lines } of measured) {
      console.log(`  ${lines}  ${file}${name === file ? "" : `  ${name}`}`);
    }
  };
  report("Files over 400 lines in src/", filesLongerThan(400, files));
  report("Functions over 80 lines in src/", functionsLongerThan(80, files));
}
