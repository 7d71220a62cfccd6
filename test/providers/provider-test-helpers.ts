import type { RetryLogger, Sleep } from "../../src/adapters/providers/retry.ts";
import type { ChatMessage, ToolSchema } from "../../src/domain/messages.ts";

export const tools: ToolSchema[] = [
  {
    name: "write_file",
    description: "Write a file",
    inputSchema: { type: "object", properties: { path: { type: "string" }, text: { type: "string" } } },
  },
  {
    name: "read_file",
    description: "Read a file",
    inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
  },
];

export const fakeApiKey = "sk-ant-test-secret-0123456789";

export function userText(text: string): ChatMessage {
  return { role: "user", parts: [{ type: "text", text }] };
}

/** A sleep that returns at once and remembers what it was asked to wait. */
export function recordingSleep(): { sleep: Sleep; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (milliseconds) => {
      waits.push(milliseconds);
    },
  };
}

export function recordingLogger(): { logger: RetryLogger; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    logger: { warn: (details, message) => lines.push(`${message} ${JSON.stringify(details)}`) },
  };
}
