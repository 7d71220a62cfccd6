import { globSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseSync, Visitor } from "vite";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const vitestCalls = new Set([
  "it",
  "test",
  "describe",
  "suite",
  "beforeAll",
  "afterAll",
  "beforeEach",
  "afterEach",
]);
const timeoutKeys = new Set(["timeout", "testTimeout", "hookTimeout"]);

interface Node {
  type: string;
  start: number;
  [field: string]: unknown;
}

const asNode = (value: unknown) => value as Node;

/** `it`, `test.each(table)`, `describe.skipIf(x)`...: the name the chain starts from. */
function calledName(callee: Node): string | undefined {
  let node = callee;
  while (node.type === "MemberExpression" || node.type === "CallExpression")
    node = asNode(node.type === "MemberExpression" ? node.object : node.callee);
  return node.type === "Identifier" ? String(node.name) : undefined;
}

/** A number written out, possibly as arithmetic (`2 * 60_000`): nothing in it scales. */
function isFixedNumber(node: Node): boolean {
  if (node.type === "Literal") return typeof node.value === "number";
  if (node.type === "UnaryExpression") return isFixedNumber(node.argument as Node);
  if (node.type === "BinaryExpression")
    return isFixedNumber(node.left as Node) && isFixedNumber(node.right as Node);
  if (node.type === "ParenthesizedExpression") return isFixedNumber(node.expression as Node);
  return false;
}

/**
 * Every fixed test timeout in `text`, as `line: what`: a number given to `it`, `test`, `describe` or
 * a hook, and a `timeout`, `testTimeout` or `hookTimeout` property set to a number.
 */
function fixedTimeouts(file: string, text: string): string[] {
  const found: string[] = [];
  const line = (node: Node) => text.slice(0, node.start).split("\n").length;
  const { program, errors } = parseSync(file, text, { lang: "ts" });
  if (errors.length > 0) throw new Error(`${file} does not parse: ${errors[0]?.message}`);
  const source = (node: Node) => text.slice(node.start, Number(node.end));
  new Visitor({
    CallExpression(call) {
      const name = calledName(asNode(call.callee));
      if (!name || !vitestCalls.has(name)) return;
      for (const argument of call.arguments.map(asNode))
        if (isFixedNumber(argument)) found.push(`${line(argument)}: ${name}(…, ${source(argument)})`);
    },
    Property(property) {
      const key = asNode(property.key);
      const value = asNode(property.value);
      const keyName = key.type === "Identifier" ? key.name : key.type === "Literal" ? key.value : undefined;
      if (typeof keyName === "string" && timeoutKeys.has(keyName) && isFixedNumber(value))
        found.push(`${line(asNode(property))}: ${keyName}: ${source(value)}`);
    },
  }).visit(program);
  return found;
}

describe("test timeouts", () => {
  it("are found whichever way a fixed one is written", () => {
    const written = [
      'it("a", async () => {}, 30_000);',
      'test.each([1])("b %s", async () => {}, 5000);',
      "beforeAll(async () => {}, 2 * 60_000);",
      'it("c", { timeout: 30_000 }, async () => {});',
      'describe("d", { timeout: 1000, retry: 0 }, () => {});',
      "vi.setConfig({ testTimeout: 10_000, hookTimeout: 20_000 });",
    ].join("\n");
    expect(fixedTimeouts("written.ts", written)).toHaveLength(7);
    const scaledOnes = [
      'it("a", { timeout: scaled(30_000) }, async () => {});',
      "beforeAll(async () => {}, scaled(60_000));",
      "setTimeout(() => {}, 50);",
      "await eventually(check, { timeoutMs: 5000 });",
    ].join("\n");
    expect(fixedTimeouts("scaled.ts", scaledOnes)).toEqual([]);
  });

  it("scale with the machine: no test file sets a fixed one (use scaled(), or the configured default)", () => {
    const fixed = globSync("test/**/*.ts", { cwd: root }).flatMap((file) =>
      fixedTimeouts(file, readFileSync(path.join(root, file), "utf8")).map((found) => `${file}:${found}`),
    );
    expect(fixed).toEqual([]);
  });

  it("of the in-memory surface scale too: tests take it from test/helpers", () => {
    const unscaled = globSync("test/**/*.ts", {
      cwd: root,
      exclude: ["test/helpers/memory-surface.ts"],
    }).filter((file) =>
      /from "[./]*\/src\/surfaces\/memory-surface\.ts"/.test(readFileSync(path.join(root, file), "utf8")),
    );
    expect(unscaled).toEqual([]);
  });
});
