import { describe, expect, it } from "vitest";
import { maximumSchemaCharacters, providerToolSchema } from "../../src/domain/mcp-tool-schema.ts";

function schemaOf(input: unknown): Record<string, unknown> {
  const converted = providerToolSchema(input);
  if ("problem" in converted) throw new Error(converted.problem);
  return converted.schema;
}

function problemOf(input: unknown): string {
  const converted = providerToolSchema(input);
  if (!("problem" in converted))
    throw new Error(`expected a problem, got ${JSON.stringify(converted.schema)}`);
  return converted.problem;
}

describe("MCP input schemas become schemas both providers accept", () => {
  it("keeps an ordinary object schema and drops $schema and $id", () => {
    expect(
      schemaOf({
        $schema: "http://json-schema.org/draft-07/schema#",
        $id: "urn:x",
        type: "object",
        properties: { message: { type: "string", description: "Text" } },
        required: ["message"],
        additionalProperties: false,
      }),
    ).toEqual({
      type: "object",
      properties: { message: { type: "string", description: "Text" } },
      required: ["message"],
      additionalProperties: false,
    });
  });

  it("makes an empty or typeless schema an object with properties", () => {
    expect(schemaOf({})).toEqual({ type: "object", properties: {} });
    expect(schemaOf(true)).toEqual({ type: "object", properties: {} });
    expect(schemaOf({ properties: { a: { type: "number" } } })).toEqual({
      type: "object",
      properties: { a: { type: "number" } },
    });
  });

  it("removes top-level combinators OpenAI refuses, keeping their members' properties", () => {
    const schema = schemaOf({
      type: "object",
      allOf: [{ properties: { a: { type: "string" } }, required: ["a"] }],
      anyOf: [{ properties: { b: { type: "number" } }, required: ["b"] }, { properties: { c: {} } }],
    });
    expect(schema).toEqual({
      type: "object",
      properties: { a: { type: "string" }, b: { type: "number" }, c: {} },
      required: ["a"],
    });
  });

  it("inlines local references and drops the definitions", () => {
    const schema = schemaOf({
      type: "object",
      properties: { when: { $ref: "#/$defs/Date", description: "When" }, old: { $ref: "#/definitions/Old" } },
      $defs: { Date: { type: "string", format: "date" } },
      definitions: { Old: { type: "integer" } },
    });
    expect(schema).toEqual({
      type: "object",
      properties: { when: { type: "string", format: "date", description: "When" }, old: { type: "integer" } },
    });
  });

  it("leaves out a tool whose schema refers to itself, to another document, or to nothing", () => {
    expect(
      problemOf({
        type: "object",
        properties: { node: { $ref: "#/$defs/Node" } },
        $defs: { Node: { type: "object", properties: { child: { $ref: "#/$defs/Node" } } } },
      }),
    ).toMatch(/recursive/);
    expect(problemOf({ type: "object", properties: { a: { $ref: "https://example.com/a.json" } } })).toMatch(
      /another document/,
    );
    expect(problemOf({ type: "object", properties: { a: { $ref: "#/$defs/Missing" } } })).toMatch(/nothing/);
  });

  it("leaves out a tool whose input is not an object", () => {
    expect(problemOf({ type: "string" })).toMatch(/not an object/);
    expect(problemOf({ type: "array", items: {} })).toMatch(/not an object/);
    expect(problemOf(false)).toMatch(/not an object schema/);
    expect(problemOf([])).toMatch(/not an object schema/);
  });

  it("drops keywords that are not standard JSON Schema and draft 4 boolean bounds", () => {
    expect(
      schemaOf({
        type: "object",
        "x-vendor": 1,
        properties: {
          n: { type: "number", minimum: 0, exclusiveMinimum: true, "x-hint": "no" },
          list: { type: "array", items: [{ type: "string" }, { type: "number" }] },
        },
        required: "n",
      }),
    ).toEqual({
      type: "object",
      properties: {
        n: { type: "number", minimum: 0 },
        list: { type: "array", prefixItems: [{ type: "string" }, { type: "number" }] },
      },
    });
  });

  it("keeps property names that look like keywords", () => {
    expect(
      schemaOf({ type: "object", properties: { $ref: { type: "string" }, type: { type: "string" } } }),
    ).toEqual({ type: "object", properties: { $ref: { type: "string" }, type: { type: "string" } } });
  });

  it("loosens nesting past the depth limit to any value", () => {
    let deep: Record<string, unknown> = { type: "string" };
    for (let level = 0; level < 30; level += 1) deep = { type: "object", properties: { inner: deep } };
    const schema = schemaOf(deep);
    expect(JSON.stringify(schema)).toContain('"inner":{}');
  });

  it("leaves out a tool whose schema is too big or multiplies through references", () => {
    const properties = Object.fromEntries(
      Array.from({ length: 2_000 }, (_, index) => [
        `field${index}`,
        { type: "string", description: "words" },
      ]),
    );
    expect(JSON.stringify(properties).length).toBeGreaterThan(maximumSchemaCharacters);
    expect(problemOf({ type: "object", properties })).toMatch(/over/);
    const $defs: Record<string, unknown> = { D0: { type: "string" } };
    for (let level = 1; level < 11; level += 1) {
      $defs[`D${level}`] = {
        type: "object",
        properties: { a: { $ref: `#/$defs/D${level - 1}` }, b: { $ref: `#/$defs/D${level - 1}` } },
      };
    }
    expect(
      problemOf({
        type: "object",
        properties: { x: { $ref: "#/$defs/D10" }, y: { $ref: "#/$defs/D10" } },
        $defs,
      }),
    ).toMatch(/over|sub-schemas/);
  });
});
