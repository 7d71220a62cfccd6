import type { CallToolResult, Tool } from "@modelcontextprotocol/client";
import type { McpCallResult, McpContent, McpToolAnnotations, McpToolDescriptor } from "../../domain/mcp.ts";

/**
 * Characters of one result kept, text and base64 data together: generous, since the runtime
 * caps what the model sees and keeps the rest readable; this only bounds what a server can
 * make the service hold.
 */
export const resultCharacterLimit = 2_000_000;

type ContentBlock = CallToolResult["content"][number];

function convertBlock(block: ContentBlock): McpContent {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "image":
      return { type: "image", mimeType: block.mimeType, data: block.data };
    case "audio":
      return { type: "audio", mimeType: block.mimeType, data: block.data };
    case "resource_link":
      return {
        type: "resource_link",
        uri: block.uri,
        name: block.name,
        ...(block.mimeType === undefined ? {} : { mimeType: block.mimeType }),
        ...(block.description === undefined ? {} : { description: block.description }),
      };
    case "resource": {
      const resource = block.resource;
      return {
        type: "resource",
        uri: resource.uri,
        ...(resource.mimeType === undefined ? {} : { mimeType: resource.mimeType }),
        ...("text" in resource && typeof resource.text === "string" ? { text: resource.text } : {}),
        ...("blob" in resource && typeof resource.blob === "string" ? { blob: resource.blob } : {}),
      };
    }
    default:
      return {
        type: "text",
        text: `[content of type ${String((block as { type: unknown }).type)} left out]`,
      };
  }
}

function blockSize(content: McpContent): number {
  switch (content.type) {
    case "text":
      return content.text.length;
    case "image":
    case "audio":
      return content.data.length;
    case "resource":
      return (content.text?.length ?? 0) + (content.blob?.length ?? 0) + content.uri.length;
    case "resource_link":
      return content.uri.length + (content.name?.length ?? 0) + (content.description?.length ?? 0);
  }
}

/** The SDK's result as Threadwork's, cut at `limit` characters with a note saying so. */
export function convertCallResult(result: CallToolResult, limit = resultCharacterLimit): McpCallResult {
  let remaining = limit;
  let cut = false;
  const content: McpContent[] = [];
  for (const block of result.content ?? []) {
    const converted = convertBlock(block);
    const size = blockSize(converted);
    if (size <= remaining) {
      content.push(converted);
      remaining -= size;
    } else if (converted.type === "text" && remaining > 0) {
      content.push({ type: "text", text: converted.text.slice(0, remaining) });
      remaining = 0;
      cut = true;
    } else {
      cut = true;
    }
  }
  let structuredContent: Record<string, unknown> | undefined;
  const structured = result.structuredContent;
  if (structured !== undefined && structured !== null && typeof structured === "object") {
    const size = JSON.stringify(structured).length;
    if (size <= remaining) structuredContent = structured as Record<string, unknown>;
    else cut = true;
  }
  if (cut) {
    content.push({
      type: "text",
      text: `[Threadwork cut this result at ${limit} characters; the rest was not kept.]`,
    });
  }
  return {
    content,
    ...(structuredContent === undefined ? {} : { structuredContent }),
    isError: result.isError === true,
  };
}

/** A JSON-RPC error answer to `tools/call` as the model sees it: a tool error. */
export function errorResult(message: string): McpCallResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

function convertAnnotations(annotations: Tool["annotations"]): McpToolAnnotations | undefined {
  if (!annotations) return undefined;
  const kept: McpToolAnnotations = {};
  if (typeof annotations.title === "string") kept.title = annotations.title;
  for (const key of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const) {
    const value = annotations[key];
    if (typeof value === "boolean") kept[key] = value;
  }
  return kept;
}

export function convertTool(server: string, tool: Tool): McpToolDescriptor {
  const annotations = convertAnnotations(tool.annotations);
  return {
    server,
    name: tool.name,
    description: tool.description ?? "",
    inputSchema: tool.inputSchema as Record<string, unknown>,
    ...(annotations === undefined ? {} : { annotations }),
  };
}
