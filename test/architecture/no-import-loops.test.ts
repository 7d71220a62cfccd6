import { describe, expect, it } from "vitest";
import { sourceImports } from "../helpers/source-imports.ts";

/**
 * Every import loop, each named by a shortest path from one of its files back to itself.
 * Files that reach one another form one loop group (a strongly connected component, found
 * with Tarjan's algorithm); a group of more than one loop is named by one loop and its other files.
 */
function importLoops(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const index = new Map<string, number>();
  const lowest = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    lowest.set(file, index.get(file) as number);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        lowest.set(file, Math.min(lowest.get(file) as number, lowest.get(target) as number));
      } else if (onStack.has(target)) {
        lowest.set(file, Math.min(lowest.get(file) as number, index.get(target) as number));
      }
    }
    if (lowest.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    const loops = group.length > 1 || (graph.get(file) ?? []).includes(file);
    if (loops) groups.push(group.sort());
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return groups.map((group) => {
    const loop = shortestLoop(graph, group[0] as string, new Set(group));
    const others = group.filter((file) => !loop.includes(file));
    return others.length > 0 ? `${loop.join(" → ")} (with ${others.join(", ")})` : loop.join(" → ");
  });
}

/** A shortest path from `start` back to itself through files of its group (breadth first). */
function shortestLoop(graph: ReadonlyMap<string, readonly string[]>, start: string, group: Set<string>) {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const target of graph.get(file) ?? []) {
      if (!group.has(target)) continue;
      if (target === start) {
        const path = [file];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0] as string) as string);
        return [...path, start];
      }
      if (cameFrom.has(target)) continue;
      cameFrom.set(target, file);
      queue.push(target);
    }
  }
  throw new Error(`${start} is in no loop`);
}

describe("import loops", () => {
  it("names each loop by its files, a shortest one for a larger group", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts", "d.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["b.ts"]],
      ["e.ts", ["e.ts", "a.ts"]],
      ["f.ts", ["a.ts"]],
    ]);
    expect(importLoops(graph)).toEqual(["a.ts → b.ts → c.ts → a.ts (with d.ts)", "e.ts → e.ts"]);
    expect(
      importLoops(
        new Map([
          ["a.ts", ["b.ts"]],
          ["b.ts", []],
        ]),
      ),
    ).toEqual([]);
  });

  it("no file in src/ imports itself through other files", () => {
    const graph = new Map(sourceImports().map(({ file, imports }) => [file, imports]));
    expect(importLoops(graph)).toEqual([]);
  });
});
