import { describe, expect, it } from "vitest";
import { z } from "zod";
import { listAuditEntries } from "../../src/adapters/database/audit-entries.ts";
import { defineTool } from "../../src/domain/tool.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { backends } from "../helpers/database.ts";
import { createMemorySurface } from "../helpers/memory-surface.ts";
import { isSupervisorRequest, testConfig } from "../helpers/runtime-harness.ts";
import { useTestRuntime } from "../helpers/test-runtime-per-describe.ts";

const owner = "owner-audit";
const approver = "approver-audit";
const token = "xoxb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx";

const runCommand = defineTool({
  name: "run_command",
  description: "Run a command line.",
  input: z.object({ command: z.string() }),
  risk: "risky",
  describe: (input) => `run ${input.command}`,
  async execute() {
    return "ran";
  },
});

describe.each(backends)("audited decisions on %s", (backend) => {
  const world = useTestRuntime(backend, {
    config: testConfig({ planWorkersThreshold: 0 }, [approver]),
    supervisorTools: [runCommand],
    respond: (request) => {
      if (!isSupervisorRequest(request))
        return toolCallResponse([{ name: "finish", input: { summary: "ok" } }]);
      if (request.lastToolResults.length > 0) return textResponse("Done.");
      if (request.lastUserText.includes("deploy")) {
        return toolCallResponse([{ name: "run_command", input: { command: `deploy --token ${token}` } }]);
      }
      if (request.lastUserText.includes("fan out")) {
        return toolCallResponse([{ name: "spawn_agent", input: { title: "Helper", brief: "help" } }]);
      }
      return textResponse("Noted.");
    },
  });

  async function rowsOf(sessionId: string) {
    const rows = await listAuditEntries(world.handle.db, { teamId: "memory" });
    return rows.filter((row) => row.sessionId === sessionId);
  }

  it("records an approval once however many clicks race for it, with the exact action redacted, and no refused click", async () => {
    const surface = createMemorySurface(world.runtime, { userId: owner });
    await surface.send("deploy it");
    const asked = await surface.waitFor((event) => event.type === "approval-requested");
    const requestId = asked.type === "approval-requested" ? asked.request.id : "";
    const sessionId = surface.sessionId() ?? "";

    const stranger = await world.runtime.handle({
      type: "approval-decision",
      requestId,
      userId: "someone-else",
      decision: "deny",
    });
    expect(stranger).toMatchObject({ type: "decision", outcome: { ok: false, reason: "not_authorized" } });
    const outcomes = await Promise.all(
      [owner, approver, owner].map((userId) =>
        world.runtime.handle({ type: "approval-decision", requestId, userId, decision: "approve" }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.type === "decision" && outcome.outcome.ok)).toHaveLength(1);
    await surface.waitFor((event) => event.type === "session-idle");

    const rows = await rowsOf(sessionId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      teamId: "memory",
      action: "approval-approved",
      sessionId,
      detail: "run_command: deploy --token [REDACTED]",
    });
    expect([owner, approver]).toContain(rows[0]?.actorId);
    surface.close();
  });

  it("records a Stop of all work once, and a second Stop that changes nothing not again", async () => {
    const surface = createMemorySurface(world.runtime, { userId: owner });
    await surface.send("just say hello");
    await surface.waitFor((event) => event.type === "session-idle");
    const sessionId = surface.sessionId() ?? "";
    await world.runtime.handle({ type: "cancel", sessionId, userId: "someone-else" });
    await world.runtime.handle({ type: "cancel", sessionId, userId: owner });
    await world.runtime.handle({ type: "cancel", sessionId, userId: owner });
    const rows = await rowsOf(sessionId);
    expect(rows.map((row) => [row.action, row.actorId, row.detail])).toEqual([
      ["stop", owner, "Stopped the session (no sub-agent was working)"],
    ]);
    surface.close();
  });

  it("records a plan's Start once, naming its workers", async () => {
    const surface = createMemorySurface(world.runtime, { userId: owner });
    await surface.send("fan out please");
    const proposed = await surface.waitFor((event) => event.type === "plan-proposed");
    const requestId = proposed.type === "plan-proposed" ? proposed.request.id : "";
    const sessionId = surface.sessionId() ?? "";
    for (const userId of [owner, approver]) {
      await world.runtime.handle({ type: "plan-decision", requestId, userId, decision: "start" });
    }
    await surface.waitFor((event) => event.type === "agent-started");
    const rows = await rowsOf(sessionId);
    expect(rows.map((row) => [row.action, row.actorId, row.detail])).toEqual([
      ["plan-started", owner, "Started a plan of 1 worker: Helper"],
    ]);
    surface.close();
  });
});
