import { describe, expect, it } from "vitest";
import { counted } from "../../src/domain/plural.ts";
import { renderCrewBoard } from "../../src/surfaces/slack/blocks/crew-board.ts";
import { formatTokens } from "../../src/surfaces/slack/blocks/format.ts";
import { describeResult, renderResults, summarizeResult } from "../../src/surfaces/slack/blocks/results.ts";
import { agentLine } from "../../src/surfaces/terminal/terminal-render.ts";
import { agentSnapshot, renderingNow } from "./support/agent-snapshot.ts";

describe("counts in Slack and terminal messages", () => {
  it("say one of a thing in the singular and any other number in the plural", () => {
    expect([counted(0, "agent"), counted(1, "agent"), counted(2, "agent")]).toEqual([
      "0 agents",
      "1 agent",
      "2 agents",
    ]);
    expect(counted(1, "child", "children")).toBe("1 child");
  });

  it("read '1 agent' on the results and the crew board, and '1 file' and '1 token' in their lines", () => {
    const done = agentSnapshot(1, {
      status: "done",
      result: { summary: "ok", branch: "b", filesChanged: 1 },
    });
    expect(renderResults([done], 1000).text).toMatch(/^Results: 1 agent, /);
    expect(renderResults([done, agentSnapshot(2, { status: "done" })], 1000).text).toMatch(
      /^Results: 2 agents, /,
    );
    const board = renderCrewBoard([agentSnapshot(1)], { now: renderingNow, style: "sections" });
    expect(board.text).toContain("Crew: 1 agent, 1 active");
    const summary = summarizeResult({ branch: "b", filesChanged: 1, insertions: 2, deletions: 0 });
    expect(summary && describeResult(summary)).toContain("1 file, +2");
    expect(formatTokens(1)).toBe("1 token");
    const oneToken = agentSnapshot(1, {
      usage: { ...agentSnapshot(1).usage, inputTokens: 1, outputTokens: 0 },
    });
    expect(agentLine(oneToken, 1)).toContain(" 1 token, ");
  });
});
