import { describe, expect, it } from "vitest";
import { contextView } from "../../src/domain/compaction.ts";
import { estimateMessageTokens } from "../../src/domain/context-window.ts";
import type { ChatMessage, ImagePart } from "../../src/domain/messages.ts";
import { summaryRequestText, summaryText } from "../../src/domain/prompts/summary-prompt.ts";

const image: ImagePart = {
  type: "image",
  mediaType: "image/png",
  name: "F0SHOT-screen.png",
  eventId: 7,
  index: 0,
};
const withImage: ChatMessage = { role: "user", parts: [{ type: "text", text: "Look at this." }, image] };

describe("compaction with images", () => {
  it("counts an image at a fixed size, whatever its bytes", () => {
    const text: ChatMessage = { role: "user", parts: [{ type: "text", text: "Look at this." }] };
    const difference = estimateMessageTokens([withImage]) - estimateMessageTokens([text]);
    expect(difference).toBeGreaterThanOrEqual(1600);
    expect(difference).toBeLessThan(1610);
    expect(
      estimateMessageTokens([{ role: "user", parts: [{ ...image, data: "A".repeat(4_000_000) }] }]),
    ).toBeLessThan(2000);
  });

  it("summarises an image as a line naming it", () => {
    const request = summaryRequestText(
      { brief: undefined, previousSummary: undefined, messages: [withImage] },
      { maxTokens: 10_000, summaryTokens: 1000 },
    );
    expect(request).toContain("an image a person shared, F0SHOT-screen.png");
  });

  it("leaves a compacted image out of the view: only the first message's text and the summary stay", () => {
    const view = contextView([
      { seq: 0, message: withImage },
      { seq: 1, message: { role: "assistant", parts: [{ type: "text", text: "I see." }] } },
      {
        seq: 2,
        message: { role: "user", parts: [{ ...summaryText("Saw a screenshot."), summarizesThrough: 1 }] },
      },
    ]);
    expect(view.flatMap((message) => message.parts).some((part) => part.type === "image")).toBe(false);
  });
});
