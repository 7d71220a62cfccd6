import { appendFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import { defineTool } from "../../src/domain/tool.ts";
import type { FakeLlmRequest, FakeLlmResponder } from "../fakes/fake-llm-server.ts";
import { textResponse, toolCallResponse } from "../fakes/fake-llm-server.ts";
import { briefOf, isSupervisorRequest } from "./runtime-harness.ts";

/**
 * A tool with a visible side effect: it appends `<instance> <token>` to a file. A token
 * that appears twice means a tool ran twice. The input field is not called `token`: the
 * audit row stores such keys redacted.
 */
export function appendLineTool(file: string, instanceId: string, pauseMs = 0) {
  return defineTool({
    name: "append_line",
    description: "Append a token to the work log.",
    input: z.object({ mark: z.string() }),
    risk: "safe",
    async execute(input) {
      await appendFile(file, `${instanceId} ${input.mark}\n`);
      if (pauseMs > 0) await delay(pauseMs);
      return `appended ${input.mark}`;
    },
  });
}

export function userText(session: number): string {
  return `session ${session}: please do the work`;
}

/** Who sent a request: `s3/supervisor` or `s3/w1`. */
export function agentKeyOf(request: FakeLlmRequest): string {
  const first = briefOf(request);
  if (isSupervisorRequest(request)) return `${/session (\d+)/.exec(first)?.[1] ?? "?"}/supervisor`;
  return /work (s\d+ w\d+)/.exec(first)?.[1]?.replace(" ", "/") ?? first;
}

/**
 * Deterministic replies from the request alone: each supervisor spawns `workers` workers;
 * each worker appends `toolTurns` tokens (one per turn), then finishes; the supervisor sums up.
 */
export function workloadResponder(options: { workers: number; toolTurns: number }): FakeLlmResponder {
  return (request) => {
    if (isSupervisorRequest(request)) {
      const session = /session (\d+)/.exec(briefOf(request))?.[1] ?? "?";
      const all = request.messages.map((message) => message.text).join("\n");
      const finished = all.split("finished. Summary").length - 1;
      const ended = finished + (all.split("failed:").length - 1);
      if (request.turnIndex === 0) {
        return toolCallResponse(
          Array.from({ length: options.workers }, (_, index) => ({
            name: "spawn_agent",
            input: { title: `Worker ${index}`, brief: `work s${session} w${index}` },
          })),
        );
      }
      if (ended >= options.workers && /finished|failed/.test(request.lastUserText)) {
        return textResponse(`Summary for session ${session}: ${finished} finished.`);
      }
      return textResponse("Noted.");
    }
    const key = agentKeyOf(request);
    if (request.turnIndex < options.toolTurns) {
      return toolCallResponse([{ name: "append_line", input: { mark: `${key}#${request.turnIndex}` } }]);
    }
    return toolCallResponse([
      { name: "finish", input: { summary: `${key} appended ${options.toolTurns} tokens` } },
    ]);
  };
}
