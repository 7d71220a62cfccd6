import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.ts";
import {
  contextView,
  latestCompaction,
  type NumberedMessage,
  needsCompaction,
  planCompaction,
} from "../../src/domain/compaction.ts";
import { toolResultCharacterCap } from "../../src/domain/context-window.ts";
import type { ChatMessage } from "../../src/domain/messages.ts";
import { contextWindowOf, unknownContextWindow } from "../../src/domain/pricing.ts";
import { summaryRequestText } from "../../src/domain/prompts/summary-prompt.ts";
import { turnsSinceLastInput } from "../../src/domain/transcript.ts";

const brief: ChatMessage = { role: "user", parts: [{ type: "text", text: "Do the task.", verbatim: true }] };

/** A worker's transcript: the brief, then `turns` tool calls each with a result of `size` characters. */
function transcript(turns: number, size = 400): NumberedMessage[] {
  const entries: NumberedMessage[] = [{ seq: 0, message: brief }];
  for (let turn = 1; turn <= turns; turn += 1) {
    entries.push({
      seq: entries.length,
      message: {
        role: "assistant",
        parts: [{ type: "tool_call", id: `call_${turn}`, name: "read", input: { turn } }],
      },
    });
    entries.push({
      seq: entries.length,
      message: {
        role: "user",
        parts: [
          {
            type: "tool_result",
            toolCallId: `call_${turn}`,
            toolName: "read",
            content: `result ${turn} ${"x".repeat(size)}`,
            isError: false,
          },
        ],
      },
    });
  }
  return entries;
}

function withSummary(entries: NumberedMessage[], through: number, summary: string): NumberedMessage[] {
  return [
    ...entries,
    {
      seq: entries.length,
      message: { role: "user", parts: [{ type: "text", text: summary, summarizesThrough: through }] },
    },
  ];
}

describe("compaction", () => {
  it("leaves a transcript without a summary as it is", () => {
    const entries = transcript(2);
    expect(contextView(entries)).toEqual(entries.map((entry) => entry.message));
    expect(latestCompaction(entries)).toBeUndefined();
  });

  it("keeps the newest turns, folds the oldest, and never separates a result from its call", () => {
    const entries = transcript(12);
    const plan = planCompaction(entries, { windowTokens: 2000 });
    expect(plan).toBeDefined();
    // The boundary falls just before an assistant message: everything after it starts with a call.
    const next = entries.find((entry) => entry.seq === (plan?.through ?? -1) + 1);
    expect(next?.message.role).toBe("assistant");
    expect(plan?.messages).not.toContainEqual(brief);
    expect(plan?.messages.length).toBeGreaterThan(0);
    expect(plan?.previousSummary).toBeUndefined();
  });

  it("shows the brief byte for byte first, then kept decisions, the summary and the newest turns", () => {
    const entries = transcript(6);
    entries[2] = {
      seq: 2,
      message: {
        role: "user",
        parts: [
          {
            type: "tool_result",
            toolCallId: "call_1",
            toolName: "ask_user",
            content: "The user answered: tabs",
            isError: false,
            verbatim: true,
          },
          { type: "text", text: "Message from the supervisor:\nuse the v2 API", verbatim: true },
          { type: "text", text: "[event] a report that may be summarised" },
        ],
      },
    };
    const view = contextView(withSummary(entries, 8, "Read results 1 to 4."));
    // The same bytes, ending in a cache breakpoint of its own (a request-only mark, never stored).
    expect(view[0]).toEqual({ role: "user", parts: [{ ...brief.parts[0], cacheBreakpoint: true }] });
    expect(entries[0]?.message.parts[0]).not.toHaveProperty("cacheBreakpoint");
    const second = view[1]?.parts.map((part) => (part.type === "text" ? part.text : part.type)).join("");
    expect(second).toContain('Your earlier ask_user call {"turn":1} was answered');
    expect(second).toContain("The user answered: tabs");
    expect(second).toContain("Message from the supervisor:\nuse the v2 API");
    expect(second).not.toContain("a report that may be summarised");
    expect(second).toContain(
      '<untrusted_data source="summary of your earlier turns">\nRead results 1 to 4.\n</untrusted_data>',
    );
    // Then the turns after the boundary, from the call of turn 5 on; no tool result without its call.
    expect(view[2]?.role).toBe("assistant");
    expect(view.slice(2)).toEqual(entries.slice(9).map((entry) => entry.message));
  });

  it("folds in after the previous summary, with it, and makes progress or nothing", () => {
    const compacted = withSummary(transcript(12), 12, "First summary.");
    const next = planCompaction(compacted, { windowTokens: 2000 });
    expect(next?.previousSummary).toBe("First summary.");
    expect(next?.through).toBeGreaterThan(12);
    // Only the newest turn left, and it fits: nothing to fold in.
    expect(planCompaction(withSummary(transcript(1), 0, "s"), { windowTokens: 100_000 })).toBeUndefined();
    // Forced (the provider said too long): the newest turns are folded in too.
    const forced = planCompaction(transcript(2), { windowTokens: 100_000, force: true });
    expect(forced?.through).toBeGreaterThanOrEqual(2);
  });

  it("reads at most half the window in one summarising request", () => {
    const entries = transcript(40, 2000);
    const plan = planCompaction(entries, { windowTokens: 8000 });
    const text = summaryRequestText(plan ?? { brief, previousSummary: undefined, messages: [] }, {
      maxTokens: 4000,
      summaryTokens: 1000,
    });
    expect(text.length).toBeLessThanOrEqual(4000 * 4 + 400);
    expect(plan?.through).toBeLessThan(entries.length - 1);
  });

  it("does not let a summary reset the supervisor's turn count", () => {
    const entries = transcript(3);
    const messages = withSummary(entries, 2, "summary").map((entry) => entry.message);
    messages.push({ role: "assistant", parts: [{ type: "text", text: "next" }] });
    expect(turnsSinceLastInput(messages)).toBe(4);
  });

  it("triggers above three quarters of the window", () => {
    expect(needsCompaction(7_500, 10_000)).toBe(false);
    expect(needsCompaction(7_501, 10_000)).toBe(true);
  });
});

describe("context windows", () => {
  it("come from the table beside the prices, an override, or a default", () => {
    expect(contextWindowOf({ provider: "anthropic", model: "claude-sonnet-4-5-20250929" })).toBe(200_000);
    expect(contextWindowOf({ provider: "anthropic", model: "claude-sonnet-4-5[1m]" })).toBe(1_000_000);
    expect(contextWindowOf({ provider: "openai", model: "gpt-4o" })).toBe(128_000);
    expect(contextWindowOf({ provider: "openai", model: "qwen3-coder" })).toBe(unknownContextWindow);
    expect(
      contextWindowOf({ provider: "openai", model: "qwen3-coder" }, { "openai:qwen3-coder": 32_768 }),
    ).toBe(32_768);
  });

  it("are overridden with THREADWORK_CONTEXT_WINDOWS, checked at start", () => {
    const config = loadConfig({ THREADWORK_CONTEXT_WINDOWS: '{"openai:qwen3-coder": 32768}' });
    expect(config.contextWindows).toEqual({ "openai:qwen3-coder": 32_768 });
    expect(() => loadConfig({ THREADWORK_CONTEXT_WINDOWS: "32k" })).toThrow(/THREADWORK_CONTEXT_WINDOWS/);
    expect(() => loadConfig({ THREADWORK_CONTEXT_WINDOWS: '{"openai:x": 12}' })).toThrow(
      /THREADWORK_CONTEXT_WINDOWS/,
    );
  });

  it("cap a tool result to a fifth of a small window", () => {
    expect(toolResultCharacterCap(100_000, 200_000)).toBe(100_000);
    expect(toolResultCharacterCap(100_000, 20_000)).toBe(16_000);
    expect(toolResultCharacterCap(100_000, 1_000)).toBe(2_000);
  });
});
