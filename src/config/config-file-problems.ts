import type { z } from "zod";
import { isSensitiveKey, redactSecrets } from "../domain/secret-redaction.ts";
import { configFileJsonSchema } from "./config-file-schema.ts";

type JsonSchemaNode = Record<string, unknown>;

/** `repositories.web.url`, `allowCommands[2]`, `models["openai:qwen3"]`; the top level is `(top level)`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(String(key)))
      text += text === "" ? String(key) : `.${String(key)}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text === "" ? "(top level)" : text;
}

/**
 * For a union (an MCP server is stdio or http), the branch the value's constants pick, such as
 * its `transport`; else the first that has `key`; the node itself when it is no union.
 */
function branchOf(node: JsonSchemaNode, value: unknown, key?: PropertyKey): JsonSchemaNode {
  const branches = (node.oneOf ?? node.anyOf) as JsonSchemaNode[] | undefined;
  if (!Array.isArray(branches)) return node;
  const propertiesOf = (branch: JsonSchemaNode) =>
    (branch.properties ?? {}) as Record<string, JsonSchemaNode | undefined>;
  const given = value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
  const chosen = branches.find((branch) =>
    Object.entries(propertiesOf(branch)).some(
      ([name, property]) => property?.const !== undefined && given[name] === property.const,
    ),
  );
  return chosen ?? branches.find((branch) => String(key) in propertiesOf(branch)) ?? node;
}

/** The schema node that describes the value at `path`, following properties, records, arrays and unions. */
function schemaAt(
  root: JsonSchemaNode,
  path: readonly PropertyKey[],
  data?: unknown,
): JsonSchemaNode | undefined {
  let node: JsonSchemaNode | undefined = root;
  let value = data;
  for (const key of path) {
    if (!node) return undefined;
    node = branchOf(node, value, key);
    const properties = node.properties as Record<string, JsonSchemaNode> | undefined;
    if (typeof key === "number") node = node.items as JsonSchemaNode | undefined;
    else if (properties && String(key) in properties) node = properties[String(key)];
    else if (typeof node.additionalProperties === "object")
      node = node.additionalProperties as JsonSchemaNode;
    else return undefined;
    value =
      value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return node;
}

let cachedJsonSchema: JsonSchemaNode | undefined;

/** The first example the schema gives for the value at `path`, as JSON. */
function exampleAt(path: readonly PropertyKey[], data: unknown): string | undefined {
  cachedJsonSchema ??= configFileJsonSchema();
  const examples = schemaAt(cachedJsonSchema, path, data)?.examples;
  return Array.isArray(examples) && examples.length > 0 ? JSON.stringify(examples[0]) : undefined;
}

/** The first name in the example of a record, e.g. `"openai:qwen3"` for `models`. */
function exampleKeyAt(path: readonly PropertyKey[]): string | undefined {
  cachedJsonSchema ??= configFileJsonSchema();
  const example = (schemaAt(cachedJsonSchema, path)?.examples as unknown[] | undefined)?.[0];
  const name = example && typeof example === "object" ? Object.keys(example)[0] : undefined;
  return name === undefined ? undefined : JSON.stringify(name);
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

const expectedNames: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "an object",
  array: "a list",
};

/** A message that brings its own example ("…, e.g. --token=${TRACKER_TOKEN}") gets no second one. */
function withExample(file: string, path: readonly PropertyKey[], what: string, data: unknown): string {
  const example = what.includes(", e.g. ") ? undefined : exampleAt(path, data);
  return `${file}: ${jsonPath(path)} ${what}${example === undefined ? "" : `, e.g. ${example}`}`;
}

/** One readable problem per zod issue: the file, the JSON path, what is wrong, and an example. */
export function describeIssues(file: string, data: unknown, issues: readonly z.core.$ZodIssue[]): string[] {
  const problems: string[] = [];
  for (const issue of issues) {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const where = [...path, key];
        problems.push(
          isSensitiveKey(key)
            ? `${file}: ${jsonPath(where)} looks like a secret: secrets are never read from this file; set them in the environment`
            : withExample(file, path, `has no setting "${key}"${knownKeys(path, data)}`, data),
        );
      }
      continue;
    }
    if (issue.code === "invalid_type") {
      const actual = valueAt(data, path);
      const expected = expectedNames[issue.expected] ?? issue.expected;
      problems.push(
        withExample(
          file,
          path,
          actual === undefined ? "is required" : `must be ${expected}, not ${typeName(actual)}`,
          data,
        ),
      );
      continue;
    }
    if (issue.code === "invalid_key") {
      const reason = issue.issues[0]?.message ?? issue.message;
      const record = path.slice(0, -1);
      const example = exampleKeyAt(record);
      problems.push(
        `${file}: ${jsonPath(record)} has a bad name ${JSON.stringify(String(path.at(-1)))}: it ${reason}${example === undefined ? "" : `, e.g. ${example}`}`,
      );
      continue;
    }
    if (issue.code === "invalid_value") {
      const allowed = issue.values.map((value) => JSON.stringify(value)).join(" or ");
      problems.push(withExample(file, path, `must be ${allowed}`, data));
      continue;
    }
    problems.push(withExample(file, path, issue.message, data));
  }
  return problems;
}

function knownKeys(path: readonly PropertyKey[], data: unknown): string {
  cachedJsonSchema ??= configFileJsonSchema();
  const node = schemaAt(cachedJsonSchema, path, data);
  const properties = node && branchOf(node, valueAt(data, path)).properties;
  if (!properties || typeof properties !== "object") return "";
  const names = Object.keys(properties).filter((name) => name !== "$schema");
  return ` (known: ${names.join(", ")})`;
}

/** Every string value that has the shape of a credential, with its path. */
export function secretShapedValues(data: unknown, path: PropertyKey[] = []): string[] {
  if (typeof data === "string") return redactSecrets(data) === data ? [] : [jsonPath(path)];
  if (data === null || typeof data !== "object") return [];
  if (Array.isArray(data)) return data.flatMap((item, index) => secretShapedValues(item, [...path, index]));
  return Object.entries(data).flatMap(([key, value]) => secretShapedValues(value, [...path, key]));
}
