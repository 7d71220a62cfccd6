import type { McpCallResult, McpContent } from "./mcp.ts";

/** Bytes of base64 data, without decoding it. */
function decodedBytes(base64: string): number {
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Binary content is not passed on: the model gets a line saying what it was. */
function placeholder(kind: string, mimeType: string | undefined, data: string, uri?: string): string {
  const where = uri ? ` ${uri}` : "";
  return `[${kind}${where}: ${mimeType ?? "unknown type"}, ${sizeText(decodedBytes(data))}, not passed on]`;
}

function contentText(content: McpContent): string {
  switch (content.type) {
    case "text":
      return content.text;
    case "image":
    case "audio":
      return placeholder(content.type, content.mimeType, content.data);
    case "resource_link":
      return content.name ? `${content.uri} (${content.name})` : content.uri;
    case "resource":
      if (content.text !== undefined) return `[resource ${content.uri}]\n${content.text}`;
      return placeholder("resource", content.mimeType, content.blob ?? "", content.uri);
  }
}

/**
 * A `tools/call` result as the text of a tool result: text as it is, structured content as
 * JSON when there is no text, binary content as a line naming its type and size, links as
 * `uri (name)` and embedded resources' text.
 */
export function mcpResultText(result: McpCallResult): string {
  const parts = result.content.map(contentText);
  const hasText = result.content.some((content) => content.type === "text");
  if (!hasText && result.structuredContent !== undefined)
    parts.push(JSON.stringify(result.structuredContent));
  const text = parts.join("\n");
  return text === "" ? "The tool returned nothing." : text;
}
