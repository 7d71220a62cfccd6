import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../src/adapters/database/open-database.ts";
import { buildApprovalAction } from "../../src/domain/approval-action.ts";
import type { RequestSnapshot } from "../../src/domain/requests.ts";
import type { Runtime } from "../../src/runtime/create-runtime.ts";
import { parseTerminalLine } from "../../src/surfaces/terminal/terminal-commands.ts";
import { requestLine } from "../../src/surfaces/terminal/terminal-render.ts";
import {
  type FakeLlmServer,
  startFakeLlmServer,
  textResponse,
  toolCallResponse,
} from "../fakes/fake-llm-server.ts";
import { backends, createTestDatabase } from "../helpers/database.ts";
import { pendingRequest } from "../helpers/pending-request.ts";
import { startPipedTerminal } from "../helpers/piped-terminal.ts";
import { isSupervisorRequest, startTestRuntime } from "../helpers/runtime-harness.ts";

describe("terminal commands", () => {
  it("parses messages, decisions by number and listings", () => {
    expect(parseTerminalLine("hello there")).toEqual({ type: "message", text: "hello there" });
    expect(parseTerminalLine("/answer 2 use postgres")).toEqual({
      type: "answer",
      number: 2,
      text: "use postgres",
    });
    expect(parseTerminalLine("/always #3")).toEqual({
      type: "approval",
      number: 3,
      decision: "always_allow",
    });
    expect(parseTerminalLine("/deny 1")).toEqual({ type: "approval", number: 1, decision: "deny" });
    expect(parseTerminalLine("/extend 4")).toEqual({ type: "budget", number: 4, decision: "extend" });
    expect(parseTerminalLine("/cancel")).toEqual({ type: "cancel", agent: undefined });
    expect(parseTerminalLine("/agents")).toEqual({ type: "agents" });
    expect(parseTerminalLine("/retry")).toEqual({ type: "retry" });
    expect(parseTerminalLine("/answer 2")).toMatchObject({ type: "invalid" });
    expect(parseTerminalLine("/approve x")).toMatchObject({ type: "invalid" });
    expect(parseTerminalLine("/frobnicate")).toMatchObject({ type: "invalid" });
    expect(parseTerminalLine("   ")).toEqual({ type: "empty" });
  });

  it("offers /always only for an action that allows it", () => {
    const request = (allowAlways: boolean | undefined): RequestSnapshot =>
      pendingRequest({
        agentTitle: "Tester",
        kind: "approval",
        prompt: "Tester wants to: run `npm test`",
        action: {
          ...buildApprovalAction({
            tool: "run_command",
            input: { command: "npm test" },
            description: "run `npm test`",
            repo: "app",
            branch: null,
          }),
          ...(allowAlways === undefined ? {} : { allowAlways }),
        },
      });
    expect(requestLine(request(undefined), 2)).toContain("/always 2");
    const asksEveryTime = requestLine(request(false), 2);
    expect(asksEveryTime).toContain("/approve 2, /deny 2");
    expect(asksEveryTime).not.toContain("/always 2");
  });

  it("shows an MCP server's link under its question, answered with /answer like any question", () => {
    const line = requestLine(
      pendingRequest({
        agentTitle: "Tracker",
        kind: "question",
        prompt: 'The MCP server "tracker" asks you to open a link on auth.tracker.example.',
        choices: ["Done", "Decline"],
        action: { link: { url: "https://auth.tracker.example/sign-in", host: "auth.tracker.example" } },
      }),
      3,
    );
    expect(line).toContain("\n  open: https://auth.tracker.example/sign-in");
    expect(line).toContain("[Done / Decline]  → /answer 3 <text>");
  });
});

describe.each(backends)("terminal chat on %s", (backend) => {
  let handle: DatabaseHandle;
  let server: FakeLlmServer;
  let runtime: Runtime;

  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    server = await startFakeLlmServer();
    runtime = await startTestRuntime({ handle, anthropicBaseUrl: server.anthropicBaseUrl });
  });
  afterAll(async () => {
    await runtime?.stop();
    await handle?.close();
    await server?.close();
  });

  it("streams replies, shows agents and answers a question by its number", async () => {
    server.respondWith((request) => {
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0)
          return toolCallResponse([{ name: "spawn_agent", input: { title: "Helper", brief: "ask" } }]);
        if (request.lastUserText.includes("finished")) return textResponse("Helper says: blue.");
        return textResponse("On it.");
      }
      if (request.turnIndex === 0)
        return toolCallResponse([{ name: "ask_user", input: { question: "Which colour?" } }]);
      return toolCallResponse([
        { name: "finish", input: { summary: request.lastToolResults[0]?.content ?? "" } },
      ]);
    });
    const terminal = startPipedTerminal(runtime, `test-${backend}`);
    terminal.type("pick a colour");
    await terminal.shows("? #1 Helper asks: Which colour?");
    terminal.type("/agents");
    await terminal.shows("[waiting] Helper");
    terminal.type("/answer 1 blue");
    await terminal.shows("Helper says: blue.");
    expect(terminal.printed()).toContain("On it.");
    expect(terminal.printed()).toContain("▸ Helper started");
    expect(terminal.printed()).toContain("✓ Helper finished: The user answered: blue");
    await terminal.quit();
  });

  it("/steer reaches a waiting worker after its answer, and a finished one's supervisor", async () => {
    server.respondWith((request) => {
      const first = request.messages[0]?.text ?? "";
      if (isSupervisorRequest(request)) {
        if (request.turnIndex === 0)
          return toolCallResponse([{ name: "spawn_agent", input: { title: "Painter", brief: "paint" } }]);
        if (request.lastUserText.includes("which had already finished")) return textResponse("Passed on.");
        if (request.lastUserText.includes("finished")) return textResponse("Painter is done.");
        return textResponse("On it.");
      }
      if (!first.startsWith("paint")) return textResponse("?");
      if (request.turnIndex === 0)
        return toolCallResponse([{ name: "ask_user", input: { question: "Which wall?" } }]);
      return toolCallResponse([{ name: "finish", input: { summary: `painted; ${request.lastUserText}` } }]);
    });
    const terminal = startPipedTerminal(runtime, `steer-${backend}`);
    terminal.type("paint the house");
    await terminal.shows("? #1 Painter asks: Which wall?");
    terminal.type("/steer 1 use blue paint");
    await terminal.shows("Sent to #1 Painter; it reads it once what it waits on is decided.");
    terminal.type("/answer 1 north");
    await terminal.shows("Painter is done.");
    expect(terminal.printed()).toContain(
      "✓ Painter finished: painted; Message to you from me, the session owner",
    );
    expect(terminal.printed()).toContain("use blue paint");
    terminal.type("/steer 1 and the fence");
    await terminal.shows("#1 Painter has finished; your message went to the supervisor instead.");
    await terminal.shows("Passed on.");
    terminal.type("/steer 4 hello");
    await terminal.shows("No agent #4; /agents lists them.");
  });

  it("says a turn that ended without an answer, with /retry, which runs it again", async () => {
    let calls = 0;
    server.respondWith(() => {
      calls += 1;
      return calls === 1 ? {} : textResponse("Here it is after all.");
    });
    const terminal = startPipedTerminal(runtime, `retry-${backend}`);
    terminal.type("say something");
    await terminal.shows("✗ I could not finish this: the model ended its turn without a reply. → /retry");
    terminal.type("/retry");
    await terminal.shows("Here it is after all.");
    expect(server.requests.at(-1)?.lastUserText).toContain("say something");
    await terminal.quit();
  });
});
