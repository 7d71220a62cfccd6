import { describe, expect, it } from "vitest";
import type { AgentSnapshot } from "../../src/domain/agents.ts";
import { emptyUsage } from "../../src/domain/messages.ts";
import { hasPrice } from "../../src/domain/pricing.ts";
import type { SessionSnapshot } from "../../src/domain/sessions.ts";
import { renderAppHome } from "../../src/surfaces/slack/blocks/app-home.ts";
import { renderCrewBoard } from "../../src/surfaces/slack/blocks/crew-board.ts";
import { formatCost } from "../../src/surfaces/slack/blocks/format.ts";
import { renderResults } from "../../src/surfaces/slack/blocks/results.ts";
import { agentLine } from "../../src/surfaces/terminal/terminal-render.ts";

const now = new Date("2026-11-24T05:00:00Z");

function agent(title: string, model: string, costMicros: number, priced: boolean): AgentSnapshot {
  return {
    id: title,
    sessionId: "session_1",
    parentId: "supervisor",
    role: "worker",
    title,
    model,
    status: "done",
    latestProgress: null,
    usage: { ...emptyUsage, inputTokens: 1500, outputTokens: 500 },
    costMicros,
    priced,
    startedAt: now,
    finishedAt: now,
    result: null,
  };
}

const session: SessionSnapshot = {
  id: "session_1",
  surface: "slack",
  conversationKey: "T1:C1:1.0",
  ownerId: "U1",
  title: "Local work",
  status: "idle",
  metadata: {},
  costMicros: 0,
  priced: false,
  createdAt: now,
  updatedAt: now,
};

describe("a model with no price", () => {
  it("has no price unless the table or an override gives one", () => {
    expect(hasPrice("openai:qwen3")).toBe(false);
    expect(hasPrice("openai:qwen3", { "openai:qwen3": { input: 0, output: 0 } })).toBe(true);
    expect(hasPrice("anthropic:claude-sonnet-4-5-20250929")).toBe(true);
  });

  it("reads unpriced, or the known part plus unpriced, never $0.0000", () => {
    expect(formatCost(0, false)).toBe("unpriced");
    expect(formatCost(12_345, false)).toBe("$0.0123 + unpriced");
    expect(formatCost(0)).toBe("$0.0000");
    expect(formatCost(2_500_000)).toBe("$2.50");
  });

  it("shows unpriced on the crew board, in the results, on App Home and at the terminal", () => {
    const local = agent("Local", "openai:qwen3", 0, false);
    const hosted = agent("Hosted", "anthropic:claude-haiku-5-5", 12_345, true);

    const board = renderCrewBoard([local, hosted], { now, style: "sections" });
    const lines = JSON.stringify(board.blocks);
    expect(lines).toContain("*Local* — done · 0s · 2.0k tokens · unpriced");
    expect(lines).toContain("*Hosted* — done · 0s · 2.0k tokens · $0.0123");
    expect(board.text).toMatch(/^Crew: 2 agents, 0 active · \$0\.0123 \+ unpriced/);
    expect(renderCrewBoard([hosted], { now, style: "sections" }).text).toMatch(/· \$0\.0123\n/);

    expect(renderResults([local], 0, false).text).toBe("Results: 1 agent, session cost unpriced");
    expect(renderResults([hosted], 12_345).text).toBe("Results: 1 agent, session cost $0.0123");

    expect(JSON.stringify(renderAppHome([{ session, permalink: undefined }]).blocks)).toContain(
      "idle · unpriced",
    );
    expect(agentLine(local, 1)).toContain("2000 tokens, unpriced");
  });
});
