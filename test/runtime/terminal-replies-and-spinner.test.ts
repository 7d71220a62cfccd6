import { describe, expect, it } from "vitest";
import type { AgentSnapshot } from "../../src/domain/agents.ts";
import type { RequestSnapshot } from "../../src/domain/requests.ts";
import { ReplyLines } from "../../src/surfaces/terminal/reply-lines.ts";
import { TerminalActivity } from "../../src/surfaces/terminal/terminal-activity.ts";

function replyLines(columns = 40) {
  const printed: string[] = [];
  const reply = new ReplyLines({
    print: (line) => printed.push(line),
    label: "threadwork › ",
    labelWidth: 13,
    columns: () => columns,
  });
  return { reply, printed };
}

describe("a streamed reply at the terminal", () => {
  it("is written line by line under its label, a line as soon as it is complete or as wide as the screen", () => {
    const { reply, printed } = replyLines();
    reply.delta("t1", "First line.\nA second line that is much longer than");
    expect(printed).toEqual(["threadwork › First line.", "             A second line that is much"]);
    reply.delta("t1", " the screen");
    reply.completed("t1", "ignored: the streamed text was shown");
    expect(printed).toEqual([
      "threadwork › First line.",
      "             A second line that is much",
      "             longer than the screen",
    ]);
  });

  it("writes a reply that was not streamed whole, and ends an interrupted turn's line before the next", () => {
    const { reply, printed } = replyLines(200);
    reply.delta("t1", "Half a sent");
    reply.completed("t2", "I could not continue: the model failed.");
    expect(printed).toEqual([
      "threadwork › Half a sent",
      "threadwork › I could not continue: the model failed.",
    ]);
  });

  it("flushes what is pending when another line must be printed", () => {
    const { reply, printed } = replyLines(200);
    reply.delta("t1", "Let me ask a helper");
    reply.flush();
    printed.push("  ▸ Helper started");
    reply.delta("t1", " about it.");
    reply.completed("t1", "Let me ask a helper about it.");
    expect(printed).toEqual([
      "threadwork › Let me ask a helper",
      "  ▸ Helper started",
      "             about it.",
    ]);
  });
});

const agent = (id: string, role: "supervisor" | "worker") => ({ id, role }) as AgentSnapshot;
const request = (agentId: string) => ({ id: `req-${agentId}`, agentId }) as RequestSnapshot;

describe("the spinner beside the prompt", () => {
  it("says what the conversation is busy with, and nothing while it waits on the person", () => {
    const shown: Array<string | undefined> = [];
    const activity = new TerminalActivity((text) => shown.push(text));
    const sessionId = "s1";
    activity.thinking();
    activity.observe({ type: "reply-delta", sessionId, agentId: "sup", turnId: "t", delta: "On it." });
    activity.observe({ type: "agent-started", sessionId, agent: agent("w1", "worker") });
    activity.observe({ type: "session-idle", sessionId });
    activity.observe({ type: "question-asked", sessionId, request: request("w1") });
    activity.observe({ type: "request-decided", sessionId, request: request("w1") });
    activity.observe({ type: "agent-finished", sessionId, agent: agent("w1", "worker"), summary: "done" });
    activity.observe({ type: "session-idle", sessionId });
    expect(shown).toEqual([
      "thinking",
      "writing",
      "writing",
      "1 agent working",
      undefined,
      "1 agent working",
      "thinking",
      undefined,
    ]);
  });
});
