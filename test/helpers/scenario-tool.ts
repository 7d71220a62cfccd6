import { z } from "zod";
import { defineTool } from "../../src/domain/tool.ts";
import type { AgentToolContext } from "../../src/tools/agent/agent-tool-context.ts";
import { type FakeLlmRequest, type FakeLlmResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { briefOf } from "./runtime-harness.ts";

/** A safe worker tool whose only input names the scenario the test runs. */
export function scenarioTool(options: {
  name: string;
  description: string;
  run: (scenario: string, context: AgentToolContext) => Promise<string>;
}) {
  return defineTool({
    name: options.name,
    description: options.description,
    input: z.object({ scenario: z.string() }),
    risk: "safe",
    execute: (input, context: AgentToolContext) => options.run(input.scenario, context),
  });
}

/** A worker briefed "elicit <scenario>" calls `toolName` with that scenario on its first turn, then finishes. */
export function callScenarioThenFinish(toolName: string): (request: FakeLlmRequest) => FakeLlmResponse {
  return (request) => {
    const scenario = /elicit (\w+)/.exec(briefOf(request))?.[1] ?? "";
    if (request.turnIndex === 0) return toolCallResponse([{ name: toolName, input: { scenario } }]);
    return toolCallResponse([{ name: "finish", input: { summary: "done" } }]);
  };
}
