import type { FakeLlmRequest } from "../../test/fakes/fake-llm-server.ts";

/** Supervisors are offered `spawn_agent`; workers are not. */
export function isSupervisorRequest(request: FakeLlmRequest): boolean {
  return request.toolNames.includes("spawn_agent");
}

/** Bench briefs and user messages carry a `[bench:…]` marker that names the agent. */
export function benchMarker(text: string): string | undefined {
  return /\[bench:([^\]]+)\]/.exec(text)?.[1];
}

/** The marker of the conversation's first message: the worker's brief or the user's first message. */
export function markerOf(request: FakeLlmRequest): string | undefined {
  return benchMarker(request.messages[0]?.text ?? "");
}

/** How many sub-agents have reported `agent-finished` to a supervisor so far. */
export function finishedCount(request: FakeLlmRequest): number {
  const text = request.messages.map((message) => message.text).join("\n");
  return text.split("finished. Summary").length - 1;
}

/** Whether the newest user message holds the results of `spawn_agent` calls. */
export function justSpawned(request: FakeLlmRequest): boolean {
  return request.lastToolResults.some((result) => result.content.includes("agent_id"));
}

/** Deterministic source-like text of about `characters` characters, for tool results. */
export function sourceText(seed: string, characters: number): string {
  const lines: string[] = [];
  let length = 0;
  for (let line = 0; length < characters; line += 1) {
    const text = `export const ${seed.replace(/\W/g, "_")}_${line} = compute(${line}, "${seed}") * ${line % 13};`;
    lines.push(text);
    length += text.length + 1;
  }
  return lines.join("\n");
}
