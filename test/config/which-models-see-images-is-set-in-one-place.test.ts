import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.ts";

const file = "/srv/threadwork.config.json";
const withFile = (environment: Record<string, string>, models: Record<string, unknown>) =>
  loadConfig(environment, [], { file: { path: file, text: JSON.stringify({ models }) } });

describe("which models are shown images", () => {
  it("comes from THREADWORK_IMAGE_MODELS or the file's models[…].images", () => {
    expect(loadConfig({ THREADWORK_IMAGE_MODELS: '{"openai:qwen2.5-vl": true}' }).imageModels).toEqual({
      "openai:qwen2.5-vl": true,
    });
    expect(withFile({}, { "openai:qwen3": { images: false } }).imageModels).toEqual({
      "openai:qwen3": false,
    });
    expect(loadConfig({}).imageModels).toEqual({});
  });

  it("is refused when both say it for one model, and when the value is not true or false", () => {
    expect(() =>
      withFile({ THREADWORK_IMAGE_MODELS: '{"openai:qwen3": true}' }, { "openai:qwen3": { images: false } }),
    ).toThrow(/set it in one place/);
    expect(() => loadConfig({ THREADWORK_IMAGE_MODELS: '{"openai:qwen3": "yes"}' })).toThrow(
      /say true or false/,
    );
  });
});
