import { describe, expect, it } from "vitest";
import { planFor } from "../../src/domain/fan-out-plan.ts";
import { actionIds } from "../../src/surfaces/slack/blocks/action-ids.ts";
import { renderPlan } from "../../src/surfaces/slack/blocks/fan-out-plan.ts";
import { blockLimitError } from "../fakes/slack-block-limits.ts";
import { channel, findButton } from "./support/harness.ts";
import { ScriptedRuntime } from "./support/scripted-runtime.ts";
import { owner, stranger, useSlackSurface } from "./support/slack-surface-per-test.ts";

const worker = { provider: "anthropic", model: "claude-haiku-5-5" } as const;

function fanOut(count: number) {
  const plan = planFor(
    Array.from({ length: count }, (_, index) => ({
      toolCallId: `call_${index}`,
      title: `<!channel> Part ${index + 1}`,
      repo: "app",
      model: worker,
      tier: "worker" as const,
    })),
    { workers: 3 },
  );
  if (!plan) throw new Error("no plan");
  return plan;
}

describe("a plan in Slack", () => {
  const slack = useSlackSurface();

  it("is valid Block Kit in both styles, pending and decided, even for 45 workers", () => {
    const runtime = new ScriptedRuntime();
    const supervisor = runtime.startAgent("session", "Supervisor");
    const request = runtime.request(supervisor, "plan", "Start?", { action: { ...fanOut(45) } });
    for (const style of ["plan", "sections"] as const) {
      const pending = renderPlan(request, style);
      expect(blockLimitError({ channel, text: pending.text, blocks: pending.blocks })).toBeUndefined();
      expect(JSON.stringify(pending.blocks)).toContain("and 5 more workers");
      expect(JSON.stringify(pending.blocks)).not.toContain("<!channel>");
      const decided = renderPlan(
        {
          ...request,
          status: "answered",
          decision: "change",
          answer: "fewer",
          decidedBy: owner,
          decidedAt: new Date(),
        },
        style,
      );
      expect(blockLimitError({ channel, text: decided.text, blocks: decided.blocks })).toBeUndefined();
      expect(findButton(decided.blocks, actionIds.planStart)).toBeUndefined();
    }
  });

  it("falls back to sections when Slack refuses plan blocks, and a stranger's Change opens nothing", async () => {
    const runtime = new ScriptedRuntime();
    const { fake, harness, sessionId, threadTs } = await slack.startSession(runtime);
    const supervisor = runtime.startAgent(sessionId, "Supervisor");
    fake.failWithError("chat.postMessage", "invalid_blocks");
    runtime.request(supervisor, "plan", "Start 4 workers?", { action: { ...fanOut(4) } });
    const message = await fake.waitFor(() =>
      fake.threadMessages(channel, threadTs).find((item) => item.text.startsWith("Plan:")),
    );
    const attempts = fake.calls.filter(
      (call) => call.method === "chat.postMessage" && String(call.params.text).startsWith("Plan:"),
    );
    expect(JSON.stringify(attempts[0]?.params.blocks)).toContain('"type":"plan"');
    expect(JSON.stringify(message.blocks)).not.toContain('"type":"plan"');
    expect(JSON.stringify(message.blocks)).toContain("Part 4");

    const change = findButton(message.blocks, actionIds.planChange);
    await harness.click({
      user: stranger,
      actionId: actionIds.planChange,
      value: change?.value ?? "",
      messageTs: message.ts,
      threadTs,
    });
    const refusal = await fake.waitFor(() => fake.callsTo("chat.postEphemeral")[0]);
    expect(String(refusal.params.text)).toContain("can change this plan");
    expect(fake.callsTo("views.open")).toHaveLength(0);
  });
});
