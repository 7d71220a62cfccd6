import { type FakeLlmRequest, type FakeLlmResponse, toolCallResponse } from "../../fakes/fake-llm-server.ts";

/** A supervisor's first turn on "… task: <brief>": it spawns one worker with that brief. */
export function spawnWorkerForTask(request: FakeLlmRequest): FakeLlmResponse | undefined {
  const text = request.lastUserText;
  if (request.turnIndex !== 0 || !text.includes("task:")) return undefined;
  const brief = text.slice(text.indexOf("task:"));
  return toolCallResponse([{ name: "spawn_agent", input: { title: "Worker", brief } }]);
}

/** A worker that asks "Proceed?" and finishes once answered. */
export function askThenFinish(request: FakeLlmRequest): FakeLlmResponse {
  return request.turnIndex === 0
    ? toolCallResponse([{ name: "ask_user", input: { question: "Proceed?" } }])
    : toolCallResponse([{ name: "finish", input: { summary: "done" } }]);
}
