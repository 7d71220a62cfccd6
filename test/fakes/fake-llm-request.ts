/** A request the fake LLM server received, in a provider-neutral view a responder can route on. */

export interface FakeToolResult {
  toolCallId: string;
  /** The result's data, as a model reads it: the runtime's untrusted-data fence taken off. */
  content: string;
  /** The exact text sent, fence included. */
  sent: string;
  isError: boolean;
}

const fenced = /^(Error: )?<untrusted_data source="[^"\n]*">\n([\s\S]*)\n<\/untrusted_data>$/;

/** A tool result's data without the fence the runtime wraps it in; other text as it is. */
export function unfence(sent: string): string {
  const match = fenced.exec(sent);
  return match ? `${match[1] ?? ""}${match[2] ?? ""}` : sent;
}

export interface FakeMessage {
  role: "user" | "assistant";
  text: string;
  toolCalls: { id: string; name: string; input: unknown }[];
  toolResults: FakeToolResult[];
  /** The raw content blocks (Anthropic) or message objects (OpenAI) this message came from. */
  raw: unknown[];
}

export interface FakeLlmRequest {
  api: "anthropic" | "openai";
  path: string;
  /** Lower-case names; `x-api-key` and `authorization` values are replaced by `[redacted]`. */
  headers: Record<string, string>;
  /** The parsed JSON body, as sent. */
  body: Record<string, unknown>;
  stream: boolean;
  model: string;
  /** The system prompt's text. */
  system: string;
  /** Tool names in the order sent. */
  toolNames: string[];
  messages: FakeMessage[];
  /** Text of the newest user message. */
  lastUserText: string;
  /** Tool results in the newest user message. */
  lastToolResults: FakeToolResult[];
  /** Assistant messages already in the conversation: 0 on the first turn. */
  turnIndex: number;
  /** Milliseconds since the epoch, from the server's clock. */
  receivedAt: number;
  /** The prompt's size in the server's approximate tokens (what its usage and context window count). */
  promptTokens: number;
}

const secretHeaders = new Set(["x-api-key", "authorization", "api-key"]);

export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    result[lower] = secretHeaders.has(lower) ? "[redacted]" : Array.isArray(value) ? value.join(", ") : value;
  }
  return result;
}

/** Merges consecutive same-role messages (OpenAI sends each tool result as its own message). */
export function mergeMessages(messages: FakeMessage[]): FakeMessage[] {
  const merged: FakeMessage[] = [];
  for (const message of messages) {
    const previous = merged.at(-1);
    if (previous && previous.role === message.role) {
      previous.text += message.text;
      previous.toolCalls.push(...message.toolCalls);
      previous.toolResults.push(...message.toolResults);
      previous.raw.push(...message.raw);
    } else {
      merged.push({ ...message, toolCalls: [...message.toolCalls], toolResults: [...message.toolResults] });
    }
  }
  return merged;
}

export function describeConversation(messages: FakeMessage[]) {
  const newest = messages.at(-1);
  const fromUser = newest?.role === "user" ? newest : undefined;
  return {
    lastUserText: fromUser?.text ?? "",
    lastToolResults: fromUser?.toolResults ?? [],
    turnIndex: messages.filter((message) => message.role === "assistant").length,
  };
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string {
  return typeof value === "string" ? value : "";
}
