import { expect } from "vitest";
import { type FakeLlmResponder, textResponse, toolCallResponse } from "../../fakes/fake-llm-server.ts";
import { briefOf, isSupervisorRequest } from "../../helpers/runtime-harness.ts";

/**
 * The supervisor spawns one "Explorer" in repository `app`, which runs `command` once and
 * finishes; the supervisor says `doneText` when it hears so.
 */
export function exploringAgent(command: string, doneText: string): FakeLlmResponder {
  let spawned = false;
  return (request) => {
    if (isSupervisorRequest(request)) {
      if (request.lastUserText.includes("finished")) return textResponse(doneText);
      if (spawned) return textResponse("Started.");
      spawned = true;
      return toolCallResponse([
        { name: "spawn_agent", input: { title: "Explorer", brief: "explore the repository", repo: "app" } },
      ]);
    }
    expect(briefOf(request)).toContain("explore");
    if (request.turnIndex === 0) return toolCallResponse([{ name: "run_command", input: { command } }]);
    return toolCallResponse([{ name: "finish", input: { summary: "Looked around." } }]);
  };
}
