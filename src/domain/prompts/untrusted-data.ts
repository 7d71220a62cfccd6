import type { ChatMessage, MessagePart } from "../messages.ts";
import { skeletonOf } from "./fence-skeleton.ts";

/**
 * Text from outside the session owner's own messages (tool results, files, command output,
 * thread history, other people's replies, agents' reports) reaches a model inside a fence,
 * so the model can tell data from requests. The fence is a pure function of the text: the
 * same transcript gives the same bytes every turn, which keeps prompt caching working.
 */
const fenceTag = "untrusted_data";

/**
 * Anything that could read as our fence's opening or closing tag, matched on the text's
 * skeleton (see `skeletonOf`): a `<` (or `&lt;`, `&#60;`, `&#x3c;`, `\u003c`, `\x3c`), then an
 * optional `/` (or JSON's `\/`) and spaces, then the tag name spelled with `_`, a dash, a
 * space or nothing between the words.
 */
const fenceLike = /(?:<|&lt;?|&#0*60;?|&#x0*3c;?|\\u0*3c|\\x3c)\s*\\?\/?\s*untrusted[\s\p{Pd}\p{Pc}]*data/gu;

/** Cheap test: no `<`-like character, entity or escape start means nothing to neutralize. */
const mayHoldFence = /[<&\\\u0080-\uffff]/;

/** Neutralizes every fence-like tag inside `text`, so content cannot close its own fence. */
export function neutralizeFences(text: string): string {
  if (!mayHoldFence.test(text)) return text;
  const skeleton = skeletonOf(text);
  let result = "";
  let copied = 0;
  for (const match of skeleton.text.matchAll(fenceLike)) {
    const start = skeleton.start(match.index);
    const end = skeleton.end(match.index + match[0].length - 1);
    if (start < copied) continue;
    result += `${text.slice(copied, start)}[fence-like text removed]`;
    copied = end;
  }
  return copied === 0 ? text : result + text.slice(copied);
}

/** Attribute values are ours, but may carry a name or tool name: keep them on one quoted line. */
function attribute(value: string): string {
  return neutralizeFences(value)
    .replace(/[\r\n"<>]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 120);
}

/** Wraps `text` as data from `source`; nothing inside can close the fence. */
export function fenceData(source: string, text: string): string {
  return `<${fenceTag} source="${attribute(source)}">\n${neutralizeFences(text)}\n</${fenceTag}>`;
}

function fencePart(part: MessagePart): MessagePart {
  if (part.type !== "tool_result") return part;
  return { ...part, content: fenceData(`tool result: ${part.toolName}`, part.content) };
}

/**
 * Every tool result as fenced data: applied where a transcript becomes a model request, so
 * no tool can forget it. Stored transcripts keep the raw output.
 */
export function fenceToolResults(messages: readonly ChatMessage[]): ChatMessage[] {
  return messages.map((message) =>
    message.parts.some((part) => part.type === "tool_result")
      ? { ...message, parts: message.parts.map(fencePart) }
      : message,
  );
}
