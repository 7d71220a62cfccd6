import { describe, expect, it } from "vitest";
import type { AgentSnapshot } from "../../src/domain/agents.ts";
import { buildApprovalAction } from "../../src/domain/approval-action.ts";
import { isShortEnoughToReview, maximumApprovalTextLength } from "../../src/domain/approval-review.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { renderApproval } from "../../src/surfaces/slack/blocks/approval.ts";
import { renderCrewBoard } from "../../src/surfaces/slack/blocks/crew-board.ts";
import {
  formatCost,
  formatElapsed,
  neutralizeBroadcasts,
  safeMarkdown,
  splitAtSafeEnd,
  truncateEscaped,
} from "../../src/surfaces/slack/blocks/format.ts";
import { renderQuestion } from "../../src/surfaces/slack/blocks/question.ts";
import { summarizeResult } from "../../src/surfaces/slack/blocks/results.ts";
import { blockLimitError } from "../fakes/slack-block-limits.ts";
import { pendingRequest } from "../helpers/pending-request.ts";
import { agentSnapshot, renderingNow } from "./support/agent-snapshot.ts";
import { findButton } from "./support/harness.ts";

const now = renderingNow;

function agent(index: number, overrides: Partial<AgentSnapshot> = {}): AgentSnapshot {
  return agentSnapshot(index, overrides);
}

describe("Block Kit rendering", () => {
  it("shows each sub-agent's state, progress, elapsed time, tokens and cost on the board", () => {
    const board = renderCrewBoard(
      [
        agent(0, { role: "supervisor", title: "Supervisor" }),
        agent(1, { latestProgress: "Running the tests" }),
        agent(2, { status: "waiting" }),
        agent(3, {
          status: "done",
          finishedAt: now,
          result: { branch: "tw/three", diffStats: { files: 2, insertions: 5, deletions: 1 } },
        }),
        agent(4, { status: "failed", finishedAt: now }),
        agent(5, { status: "cancelled", finishedAt: now }),
      ],
      { now, style: "sections" },
    );
    const json = JSON.stringify(board.blocks);
    expect(json).not.toContain("Supervisor");
    for (const state of ["running", "waiting for you", "done", "failed", "cancelled"])
      expect(json).toContain(state);
    expect(json).toContain("Running the tests");
    expect(json).toContain("1m 05s");
    expect(json).toContain("2.0k tokens");
    expect(json).toContain("$0.0123");
    expect(json).toContain("`tw/three` · 2 files, +5 −1");
    // Stop only for agents still working, and Stop all.
    const stops = json.match(new RegExp(actionIds.stopAgent, "g")) ?? [];
    expect(stops).toHaveLength(2);
    expect(findButton(board.blocks, actionIds.stopAll)).toBeDefined();
  });

  it("keeps a board of many agents within Slack's block limit, in both styles", () => {
    const many = Array.from({ length: 40 }, (_, index) => agent(index));
    for (const style of ["plan", "sections"] as const) {
      const board = renderCrewBoard(many, { now, style });
      expect(board.blocks.length).toBeLessThanOrEqual(50);
      for (const block of board.blocks) {
        if (block.type === "actions") expect((block.elements as unknown[]).length).toBeLessThanOrEqual(25);
      }
      // What Slack itself refuses (a shared action_id in one block, a long button, …) is refused here too.
      expect(blockLimitError({ text: board.text, blocks: board.blocks })).toBeUndefined();
    }
  });

  it("never renders empty text, which Slack refuses, for model text that is empty once inert", () => {
    const inert = "<!date^1700000000^{date}|>";
    const agents = [agent(1, { title: inert, latestProgress: inert }), agent(2, { title: inert })];
    for (const style of ["plan", "sections"] as const) {
      const board = renderCrewBoard(agents, { now, style });
      const json = JSON.stringify(board.blocks);
      expect(json).not.toMatch(/"(text|title)":""/);
      expect(blockLimitError({ text: board.text, blocks: board.blocks })).toBeUndefined();
    }
    const question = renderQuestion(pendingRequest({ choices: [inert, "\u202e", "ok"] }));
    expect(blockLimitError({ text: question.text, blocks: question.blocks })).toBeUndefined();
  });

  it("escapes agent text so it cannot mention or link", () => {
    const question = renderQuestion(
      pendingRequest({ agentTitle: "<!channel> bot", prompt: "Use <https://evil.example|this>?" }),
    );
    const json = JSON.stringify(question.blocks);
    expect(json).not.toContain("<!channel>");
    expect(json).toContain("&lt;!channel&gt;");
    expect(json).not.toContain("<https://evil");
  });

  it("shows the exact command and workspace of an approval, and the rule in words", () => {
    const approval = renderApproval(
      pendingRequest({
        kind: "approval",
        prompt: "Agent 1 wants to: run rm -rf build",
        action: buildApprovalAction({
          tool: "run_command",
          input: { command: "rm -rf build" },
          description: "run rm -rf build",
          branch: "tw/x",
          repo: "app",
        }),
        pattern: '{"command":"rm -rf build"}',
      }),
    );
    const json = JSON.stringify(approval.blocks);
    expect(json).toContain("```rm -rf build```");
    expect(json).toContain("app @ tw/x");
    expect(json).toContain("run_command");
    expect(json).toContain("runs exactly this command (same text, same options) again without asking");
  });

  it("shows backticks and invisible characters of a command instead of hiding them", () => {
    const approval = renderApproval(
      pendingRequest({
        kind: "approval",
        action: buildApprovalAction({
          tool: "run_command",
          input: { command: "echo ```x``` \u202e\r <!here>" },
          description: "run",
          branch: null,
          repo: null,
        }),
      }),
    );
    const json = JSON.stringify(approval.blocks);
    expect(json).toContain("⟦U+202E⟧⟦U+000D⟧");
    expect(json).toContain("&lt;!here&gt;");
    expect(json).not.toMatch(/`{4}|[^`]```[^`]*```[^`]/);
    expect(json).toContain("Backticks are separated by invisible spaces");
  });

  it("keeps every section within Slack's limit and every character shown, even for backticks and escapes", () => {
    const command = `${"`".repeat(3000)}${"&<>".repeat(1500)}`;
    const approval = renderApproval(
      pendingRequest({
        kind: "approval",
        action: buildApprovalAction({
          tool: "run_command",
          input: { command, timeout_s: 5 },
          description: "run",
          branch: null,
          repo: null,
        }),
      }),
    );
    const texts = (approval.blocks as { text?: { text?: string } }[]).map((block) => block.text?.text ?? "");
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(3000);
    expect(approval.blocks.length).toBeLessThanOrEqual(50);
    const code = texts.filter((text) => text.startsWith("```"));
    const shown = code
      .map((text) => text.slice(3, -3))
      .join("")
      .replaceAll("\u200b", "")
      .replaceAll("&lt;", "<")
      .replaceAll("&gt;", ">")
      .replaceAll("&amp;", "&");
    expect(shown).toBe(`${command}{"timeout_s":5}`);
    expect(texts).toContain("*With these options:*");
  });

  it("shows in full, within Slack's limits and with Approve, every action the domain lets a person review", () => {
    const limit = maximumApprovalTextLength;
    const worstCases = [
      // `&` is escaped to five characters, the most any character grows.
      { tool: "run_command", input: { command: "&".repeat(limit) }, description: "run" },
      { tool: "run_command", input: { command: "&".repeat(limit - 15), timeout_s: 5 }, description: "run" },
      { tool: "run_command", input: { command: "`".repeat(limit) }, description: "run" },
      { tool: "merge_agents", input: {}, description: `a\n${"&".repeat(limit - 4)}` },
      // Input that is not a command reads as indented JSON: `{\n  "text": "…"\n}` adds 16 characters.
      { tool: "write_note", input: { text: "&".repeat(limit - 16) }, description: "note" },
    ];
    for (const worst of worstCases) {
      const action = buildApprovalAction({ ...worst, repo: "app", branch: "main" });
      expect(isShortEnoughToReview(action)).toBe(true);
      const approval = renderApproval(pendingRequest({ kind: "approval", action }));
      expect(blockLimitError({ channel: "C1", ...approval })).toBeUndefined();
      expect(findButton(approval.blocks, actionIds.approve)).toBeDefined();
    }
  });

  it("offers only Deny for an action it cannot read", () => {
    const approval = renderApproval(
      pendingRequest({ kind: "approval", action: { tool: "x", command: "y" } }),
    );
    expect(findButton(approval.blocks, actionIds.approve)).toBeUndefined();
    expect(findButton(approval.blocks, actionIds.alwaysAllow)).toBeUndefined();
    expect(findButton(approval.blocks, actionIds.deny)).toBeDefined();
  });

  it("reads results with or without a pull request", () => {
    expect(summarizeResult({ summary: "done" })).toBeUndefined();
    expect(summarizeResult({ branch: "tw/a", pullRequestUrl: "javascript:alert(1)" })).toMatchObject({
      branch: "tw/a",
      link: undefined,
    });
    expect(
      summarizeResult({
        branch: "tw/a",
        diffStats: { files: 1, insertions: 2, deletions: 3 },
        pullRequestUrl: null,
      }),
    ).toMatchObject({
      stats: "1 file, +2 −3",
    });
  });

  it("never cuts an escape in half", () => {
    expect(truncateEscaped("ab&amp;cd", 5)).toBe("ab…");
    expect(truncateEscaped("ab&lt;", 6)).toBe("ab&lt;");
  });

  it("formats costs and durations", () => {
    expect(formatCost(1_234_567)).toBe("$1.23");
    expect(formatCost(1_234)).toBe("$0.0012");
    expect(formatElapsed(new Date(now.getTime() - 3_725_000), null, now)).toBe("1h 02m");
    expect(formatElapsed(null, null, now)).toBe("not started");
  });

  it("neutralizes broadcast mentions in model output, also across streamed pieces", () => {
    expect(neutralizeBroadcasts("hey <!here> and <!channel|channel> and <!subteam^S123|@devs>")).toBe(
      "hey @\u2060here and @\u2060channel and @\u2060devs",
    );
    expect(neutralizeBroadcasts("Array<string> and a < b > c, Map<K, V>")).toBe(
      "Array<string> and a < b > c, Map<K, V>",
    );
    expect(neutralizeBroadcasts("<evil.example/login|innocent> <mailto:x@evil.example|help>")).toBe(
      "innocent (evil.example/login) help (mailto:x@evil.example)",
    );
    expect(neutralizeBroadcasts("<<https://evil.example|innocent>> <<!here>>")).toBe(
      "innocent (https://evil.example) @\u2060here",
    );
    expect(neutralizeBroadcasts("<@U0VICTIM> see <https://evil.example|innocent>")).toBe(
      "@\u2060U0VICTIM see innocent (https://evil.example)",
    );
    expect(
      safeMarkdown(
        "[innocent](https://evil.example) ![x](https://evil.example/i.png) [a][1]\n[1]: https://evil.example",
      ),
    ).toBe(
      "innocent (https://evil.example) x (https://evil.example/i.png) [a][1]\n[1] : https://evil.example",
    );
    expect(safeMarkdown("`x = arr[i](y)` and a[0][1]")).toBe("`x = arr[i](y)` and a[0][1]");
    expect(splitAtSafeEnd("see [innocent](https://evil.exa")).toEqual({
      ready: "see ",
      rest: "[innocent](https://evil.exa",
    });
    expect(splitAtSafeEnd("see [innocent]")).toEqual({ ready: "see ", rest: "[innocent]" });
    expect(splitAtSafeEnd("a [x](y) b ")).toEqual({ ready: "a [x](y) b ", rest: "" });
    expect(splitAtSafeEnd("done <!chan")).toEqual({ ready: "done ", rest: "<!chan" });
    expect(splitAtSafeEnd("a <b> c ")).toEqual({ ready: "a <b> c ", rest: "" });
    expect(splitAtSafeEnd("token xoxb-12")).toEqual({ ready: "token ", rest: "xoxb-12" });
  });
});
