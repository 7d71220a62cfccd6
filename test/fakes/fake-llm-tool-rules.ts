import { asArray, asRecord } from "./fake-llm-request.ts";
import type { FakeLlmError } from "./fake-llm-responses.ts";

/** Both APIs' rule for a tool's name. */
const toolNamePattern = /^[a-zA-Z0-9_-]{1,64}$/;
/** OpenAI refuses these at the top of a function's parameters. */
const topLevelCombinators = ["oneOf", "anyOf", "allOf", "enum", "not"];

/**
 * What the real APIs refuse in a request's tools, with a 400 like theirs: a name outside the
 * pattern, a name used twice, a schema whose top level is not `type: "object"`, and (OpenAI)
 * a combinator at the top level.
 */
export function invalidTools(
  api: "anthropic" | "openai",
  body: Record<string, unknown>,
): FakeLlmError | undefined {
  const seen = new Set<string>();
  for (const [index, item] of asArray(body.tools).entries()) {
    const tool = asRecord(item);
    const definition = api === "anthropic" ? tool : asRecord(tool.function);
    const name = typeof definition.name === "string" ? definition.name : "";
    const path = api === "anthropic" ? `tools.${index}.custom` : `tools[${index}].function`;
    if (!toolNamePattern.test(name)) {
      return refusal(`${path}.name: String should match pattern '${toolNamePattern.source}'`);
    }
    if (seen.has(name)) return refusal(`Tool names must be unique: ${name}`);
    seen.add(name);
    const schema = asRecord(api === "anthropic" ? tool.input_schema : definition.parameters);
    if (schema.type !== "object") {
      return refusal(
        api === "anthropic"
          ? `${path}.input_schema.type: Input should be 'object'`
          : `Invalid schema for function '${name}': schema must be a JSON Schema of 'type: "object"', got 'type: "${String(schema.type)}"'.`,
      );
    }
    if (api === "openai" && topLevelCombinators.some((keyword) => keyword in schema)) {
      return refusal(
        `Invalid schema for function '${name}': schema must have type 'object' and not have 'oneOf'/'anyOf'/'allOf'/'enum'/'not' at the top level.`,
      );
    }
  }
  return undefined;
}

function refusal(message: string): FakeLlmError {
  return { status: 400, type: "invalid_request_error", message };
}
