import { z } from "zod";
import { summarizingPrompt } from "../../src/domain/prompts/summary-prompt.ts";
import { defineTool } from "../../src/domain/tool.ts";
import type { FakeLlmRequest } from "../fakes/fake-llm-server.ts";

/**
 * A worker whose transcript grows by one ~450-token tool result per turn: it reads numbered
 * chunks of a log until it has them all. Compaction scenarios use it to outgrow a small window.
 */
export function chunkText(index: number, count: number): string {
  return `chunk ${index} of ${count}: ${`line ${index} of the log, nothing unusual here. `.repeat(36)}`;
}

export function readChunkTool(count: number) {
  return defineTool({
    name: "read_chunk",
    description: "Read one chunk of the log.",
    input: z.object({ index: z.number().int().min(1) }),
    risk: "safe",
    async execute(input) {
      return chunkText(input.index, count);
    },
  });
}

export const isSummarizer = (request: FakeLlmRequest) => request.system === summarizingPrompt;

/** Every text and tool result the request shows the model. */
export function everything(request: FakeLlmRequest): string {
  return request.messages
    .flatMap((message) => [message.text, ...message.toolResults.map((result) => result.content)])
    .join("\n");
}

/** The newest chunk the request shows the model: in a tool result, or in a summary of earlier turns. */
export function highestChunk(request: FakeLlmRequest): number {
  const numbers = [...everything(request).matchAll(/chunk (\d+) of \d+|chunks 1 to (\d+)/g)].map((match) =>
    Number(match[1] ?? match[2]),
  );
  return Math.max(0, ...numbers);
}

/** What the scripted summariser answers: the progress it can see. */
export function summaryOf(request: FakeLlmRequest): string {
  return `Progress: read chunks 1 to ${highestChunk(request)}.`;
}
