/**
 * An MCP tool's input JSON Schema made into one both providers take as a tool's parameters:
 * an object schema at the top (OpenAI refuses `anyOf`, `oneOf`, `allOf`, `enum` and `not`
 * there), local `$ref`s inlined, no `$schema`/`$id`, only standard keywords, bounded in depth
 * and size. Loosening is fine: the server validates the input again. A schema that cannot be
 * made so gives a reason instead, and the tool is left out.
 */
type ProviderToolSchema = { schema: Record<string, unknown> } | { problem: string };

/** Nesting past this becomes `{}` (any value): the server checks the rest. */
const maximumDepth = 12;
/** A bigger schema costs every turn of every agent it is offered to. */
export const maximumSchemaCharacters = 32_000;

type Schema = Record<string, unknown>;

/** Keywords whose value is one sub-schema. */
const schemaKeywords = new Set([
  "items",
  "additionalProperties",
  "not",
  "contains",
  "propertyNames",
  "if",
  "then",
  "else",
  "unevaluatedProperties",
  "unevaluatedItems",
]);
/** Keywords whose value is a list of sub-schemas. */
const schemaListKeywords = new Set(["anyOf", "oneOf", "allOf", "prefixItems"]);
/** Keywords whose value maps names to sub-schemas. */
const schemaMapKeywords = new Set(["properties", "patternProperties", "dependentSchemas"]);
/** Keywords kept as they are. */
const valueKeywords = new Set([
  "type",
  "required",
  "enum",
  "const",
  "description",
  "title",
  "default",
  "examples",
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "dependentRequired",
  "deprecated",
  "readOnly",
  "writeOnly",
  "contentMediaType",
  "contentEncoding",
]);
const topLevelCombinators = ["anyOf", "oneOf", "allOf", "not", "enum", "const"] as const;

class UnfixableSchema extends Error {}

function isRecord(value: unknown): value is Schema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `#/$defs/Name` or `#/definitions/Name` (JSON Pointer, `~0`/`~1` escapes) within `root`. */
function resolveLocal(root: Schema, reference: string): unknown {
  if (reference === "#") return root;
  if (!reference.startsWith("#/")) throw new UnfixableSchema(`it refers to another document (${reference})`);
  let target: unknown = root;
  for (const raw of reference.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isRecord(target) || !Object.hasOwn(target, key)) {
      throw new UnfixableSchema(`its reference ${reference} points at nothing`);
    }
    target = target[key];
  }
  return target;
}

/** Inlined references could multiply a schema; past this many nodes it is left out. */
const maximumNodes = 20_000;

interface Walk {
  root: Schema;
  nodes: number;
}

function simplify(walk: Walk, value: unknown, depth: number, references: readonly string[]): unknown {
  if (typeof value === "boolean") return value;
  if (!isRecord(value)) throw new UnfixableSchema("a sub-schema is neither an object nor a boolean");
  if (depth > maximumDepth) return {};
  walk.nodes += 1;
  if (walk.nodes > maximumNodes) throw new UnfixableSchema(`it has more than ${maximumNodes} sub-schemas`);
  const reference = value.$ref;
  if (typeof reference === "string") {
    if (references.includes(reference)) throw new UnfixableSchema(`its reference ${reference} is recursive`);
    const { $ref: _reference, ...siblings } = value;
    const target = resolveLocal(walk.root, reference);
    if (!isRecord(target)) return simplify(walk, target, depth, references);
    return simplify(walk, { ...target, ...siblings }, depth, [...references, reference]);
  }
  const result: Schema = {};
  const inner = (entry: unknown) => simplify(walk, entry, depth + 1, references);
  for (const [key, item] of Object.entries(value)) {
    if (key === "items" && Array.isArray(item)) {
      // Draft 4-7 tuples: the 2020-12 spelling.
      result.prefixItems = item.map(inner);
    } else if (schemaKeywords.has(key)) result[key] = inner(item);
    else if (schemaListKeywords.has(key) && Array.isArray(item)) result[key] = item.map(inner);
    else if (schemaMapKeywords.has(key) && isRecord(item)) {
      result[key] = Object.fromEntries(Object.entries(item).map(([name, entry]) => [name, inner(entry)]));
    } else if (valueKeywords.has(key)) {
      // Draft 4's boolean exclusive bounds are not 2020-12's numbers; the plain bound stays.
      if ((key === "exclusiveMinimum" || key === "exclusiveMaximum") && typeof item !== "number") continue;
      if (key === "required" && !(Array.isArray(item) && item.every((name) => typeof name === "string"))) {
        continue;
      }
      result[key] = item;
    }
  }
  return result;
}

/** Properties (and, for `allOf`, required names) of a top-level combinator's object members, merged. */
function mergedMembers(schema: Schema): Schema {
  const properties: Schema = isRecord(schema.properties) ? { ...schema.properties } : {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  for (const keyword of ["allOf", "anyOf", "oneOf"] as const) {
    const members = schema[keyword];
    if (!Array.isArray(members)) continue;
    for (const member of members) {
      if (!isRecord(member)) continue;
      if (isRecord(member.properties)) {
        for (const [name, property] of Object.entries(member.properties)) {
          if (!Object.hasOwn(properties, name)) properties[name] = property;
        }
      }
      if (keyword === "allOf" && Array.isArray(member.required)) {
        for (const name of member.required) if (typeof name === "string") required.add(name);
      }
    }
  }
  return { properties, ...(required.size > 0 ? { required: [...required] } : {}) };
}

function objectTop(schema: Schema): Schema {
  const type = schema.type;
  const objectType =
    type === undefined || type === "object" || (Array.isArray(type) && type.includes("object"));
  if (!objectType)
    throw new UnfixableSchema(`its top level is of type ${JSON.stringify(type)}, not an object`);
  const merged = mergedMembers(schema);
  const top: Schema = { ...schema, ...merged, type: "object" };
  for (const keyword of topLevelCombinators) delete top[keyword];
  return top;
}

export function providerToolSchema(inputSchema: unknown): ProviderToolSchema {
  if (inputSchema === true || (isRecord(inputSchema) && Object.keys(inputSchema).length === 0)) {
    return { schema: { type: "object", properties: {} } };
  }
  if (!isRecord(inputSchema)) return { problem: "its input schema is not an object schema" };
  try {
    const simplified = simplify({ root: inputSchema, nodes: 0 }, inputSchema, 0, []);
    if (!isRecord(simplified)) return { problem: "its input schema accepts nothing" };
    const schema = objectTop(simplified);
    const characters = JSON.stringify(schema).length;
    if (characters > maximumSchemaCharacters) {
      return {
        problem: `its input schema is ${characters} characters once simplified, over ${maximumSchemaCharacters}`,
      };
    }
    return { schema };
  } catch (error) {
    if (error instanceof UnfixableSchema)
      return { problem: `its input schema cannot be used: ${error.message}` };
    throw error;
  }
}
