import {
  imageMediaTypes,
  maximumFilesPerMessage,
  maximumImageBytes,
  type SharedFile,
} from "../../domain/shared-files.ts";
import { imageDimensions, maximumImageSide } from "./image-dimensions.ts";
import type { SlackFiles } from "./slack-files.ts";

/** A file as a message event names it; Slack's `files.info` is asked before anything is read. */
interface FileReference {
  id: string;
  name?: string | undefined;
  title?: string | undefined;
  mimetype?: string | undefined;
}

/** The body of a download, or undefined once it passes `maximumBytes` (the rest is not read). */
export async function readBounded(response: Response, maximumBytes: number): Promise<Uint8Array | undefined> {
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    return bytes.byteLength > maximumBytes ? undefined : bytes;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maximumBytes) {
      await response.body.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The image type the bytes themselves show, whatever the sharer's type says; undefined for anything else. */
export function sniffImageType(bytes: Uint8Array): string | undefined {
  const starts = (...values: number[]) => values.every((value, index) => bytes[index] === value);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  const ascii = Buffer.from(bytes.subarray(0, 12)).toString("latin1");
  if (ascii.startsWith("RIFF") && ascii.slice(8, 12) === "WEBP") return "image/webp";
  return undefined;
}

function sizeLimit(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}

interface FetchOptions {
  files: SlackFiles;
  /** The conversation of the session: a file Slack does not show shared in it is not read. */
  channel: string;
  maximumBytes: number;
  signal: AbortSignal;
}

async function fetchOne(reference: FileReference, options: FetchOptions): Promise<SharedFile> {
  const name = reference.name ?? reference.title ?? reference.id;
  const skipped = (
    reason: string,
    mediaType = reference.mimetype ?? "application/octet-stream",
    size = 0,
  ) => ({
    id: reference.id,
    name,
    mediaType,
    kind: "skipped" as const,
    size,
    reason,
  });
  const found = await options.files.find(reference.id);
  if ("error" in found) return skipped(`Slack could not find it: ${found.error}`);
  const { file } = found;
  const mediaType = file.mimetype ?? reference.mimetype ?? "application/octet-stream";
  const size = file.size ?? 0;
  // Fails closed, as read_slack_file does: only a file Slack shows shared in this conversation.
  if (!file.conversations.has(options.channel)) {
    return skipped("it was not shared in this conversation", mediaType, size);
  }
  if (!file.storedBySlack || !file.url) {
    return skipped("it links to another site rather than being stored by Slack", mediaType, size);
  }
  const image = imageMediaTypes.has(mediaType);
  const limit = image ? Math.min(maximumImageBytes, options.maximumBytes) : options.maximumBytes;
  if (size > limit) return skipped(`it is over the ${sizeLimit(limit)} limit`, mediaType, size);
  const response = await options.files.download(file, options.signal);
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    return skipped(`downloading it failed with HTTP ${response.status}`, mediaType, size);
  }
  const bytes = await readBounded(response, limit);
  if (!bytes) return skipped(`it is over the ${sizeLimit(limit)} limit`, mediaType, size);
  const data = Buffer.from(bytes).toString("base64");
  const sniffed = sniffImageType(bytes);
  // An image is shown as the type its bytes are, and only at a size a provider takes: one it
  // refuses would fail every later turn. Anything else (even if it claims to be an image) is a file.
  const dimensions = sniffed ? imageDimensions(Buffer.from(bytes), sniffed) : undefined;
  const showable =
    dimensions !== undefined &&
    dimensions.width > 0 &&
    dimensions.height > 0 &&
    Math.max(dimensions.width, dimensions.height) <= maximumImageSide;
  if (sniffed && showable && bytes.byteLength <= maximumImageBytes) {
    return {
      id: file.id,
      name: file.name ?? name,
      mediaType: sniffed,
      kind: "image",
      size: bytes.byteLength,
      data,
    };
  }
  return {
    id: file.id,
    name: file.name ?? name,
    mediaType: image ? "application/octet-stream" : mediaType,
    kind: "file",
    size: bytes.byteLength,
    data,
  };
}

/**
 * The files a message shares, checked with Slack (`files.info`) and fetched with the bot token:
 * only files Slack shows shared in the session's own conversation, stored by Slack, within the
 * size limits, at most 10 a message. Every other file comes back `skipped` with the reason.
 */
export async function fetchSharedFiles(
  references: FileReference[],
  options: FetchOptions,
): Promise<SharedFile[]> {
  const shared: SharedFile[] = [];
  for (const [index, reference] of references.entries()) {
    if (index >= maximumFilesPerMessage) {
      shared.push({
        id: reference.id,
        name: reference.name ?? reference.id,
        mediaType: reference.mimetype ?? "application/octet-stream",
        kind: "skipped",
        size: 0,
        reason: `only ${maximumFilesPerMessage} files of one message are taken`,
      });
      continue;
    }
    try {
      shared.push(await fetchOne(reference, options));
    } catch (error) {
      if (options.signal.aborted) throw error;
      shared.push({
        id: reference.id,
        name: reference.name ?? reference.id,
        mediaType: reference.mimetype ?? "application/octet-stream",
        kind: "skipped",
        size: 0,
        reason: "it could not be fetched from Slack",
      });
    }
  }
  return shared;
}
