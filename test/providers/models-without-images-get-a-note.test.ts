import { describe, expect, it } from "vitest";
import { buildAnthropicRequest } from "../../src/adapters/providers/anthropic-request.ts";
import { buildOpenAIRequest } from "../../src/adapters/providers/openai-request.ts";
import type { ChatMessage, ImagePart } from "../../src/domain/messages.ts";
import { acceptsImages } from "../../src/domain/model-images.ts";

const image: ImagePart = {
  type: "image",
  mediaType: "image/png",
  name: "F0SHOT-screen.png",
  eventId: 1,
  index: 0,
};
const messages = (part: ImagePart): ChatMessage[] => [
  { role: "user", parts: [{ type: "text", text: "What is on the screen?" }, part] },
];
const request = (part: ImagePart) => ({ model: "m", system: "", tools: [], messages: messages(part) });

describe("which models are shown images", () => {
  it("shows them to Claude and OpenAI's listed models, not to a model nobody listed", () => {
    expect(acceptsImages({ provider: "anthropic", model: "claude-haiku-5-5" })).toBe(true);
    expect(acceptsImages({ provider: "openai", model: "gpt-6-sol" })).toBe(true);
    expect(acceptsImages({ provider: "openai", model: "qwen3-coder" })).toBe(false);
  });

  it("follows THREADWORK_IMAGE_MODELS over the default", () => {
    expect(acceptsImages({ provider: "openai", model: "qwen2.5-vl" }, { "openai:qwen2.5-vl": true })).toBe(
      true,
    );
    expect(acceptsImages({ provider: "anthropic", model: "claude-x" }, { "anthropic:claude-x": false })).toBe(
      false,
    );
  });
});

describe("an image without its bytes (a model not shown images) becomes a note", () => {
  it("in an Anthropic request", () => {
    const body = buildAnthropicRequest(request(image));
    expect(JSON.stringify(body.messages)).not.toContain('"type":"image"');
    expect(JSON.stringify(body.messages)).toContain("this model is not shown images");
  });

  it("in a Chat Completions request", () => {
    const body = buildOpenAIRequest(request(image), { compatibleServer: true });
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is on the screen?" },
          {
            type: "text",
            text: "[An image was shared here (F0SHOT-screen.png, image/png); this model is not shown images.]",
          },
        ],
      },
    ]);
  });

  it("and with its bytes, each API's own image part", () => {
    const shown = { ...image, data: "iVBORw0KGgo=" };
    expect(buildAnthropicRequest(request(shown)).messages[0]?.content).toContainEqual(
      expect.objectContaining({
        type: "image",
        source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" },
      }),
    );
    expect(buildOpenAIRequest(request(shown), { compatibleServer: false }).messages[0]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "What is on the screen?" },
        { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
      ],
    });
  });
});
