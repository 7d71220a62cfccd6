import { asArray, asRecord } from "./fake-llm-request.ts";
import type { FakeLlmError } from "./fake-llm-responses.ts";

const imageTypes = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

function refusal(message: string): FakeLlmError {
  return { status: 400, message };
}

/**
 * What the real APIs refuse in a request's images, with a 400: Anthropic an `image` block whose
 * source is not `{type: "base64", media_type, data}` of a supported type; OpenAI an `image_url`
 * part whose url is not a `data:<image type>;base64,` URL (the fake fetches no web URLs) or a
 * user message's content part of an unknown type.
 */
export function invalidImages(
  api: "anthropic" | "openai",
  body: Record<string, unknown>,
): FakeLlmError | undefined {
  for (const item of asArray(body.messages)) {
    const message = asRecord(item);
    if (typeof message.content === "string") continue;
    for (const entry of asArray(message.content)) {
      const part = asRecord(entry);
      if (api === "anthropic" && part.type === "image") {
        const source = asRecord(part.source);
        if (source.type !== "base64" || !imageTypes.has(String(source.media_type))) {
          return refusal("messages: image source must be base64 with a supported media_type");
        }
        if (typeof source.data !== "string" || !base64.test(source.data)) {
          return refusal("messages: image data is not valid base64");
        }
      }
      if (api === "openai" && part.type === "image_url") {
        const url = String(asRecord(part.image_url).url ?? "");
        const match = /^data:([^;]+);base64,(.*)$/.exec(url);
        if (!match || !imageTypes.has(match[1] ?? "") || !base64.test(match[2] ?? "")) {
          return refusal("Invalid image_url: expected a base64 data URL of a supported image type");
        }
      }
      if (api === "openai" && message.role === "user" && !["text", "image_url"].includes(String(part.type))) {
        return refusal(`Invalid content part type: ${String(part.type)}`);
      }
    }
  }
  return undefined;
}
