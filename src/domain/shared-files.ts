/**
 * Files people share in a session's conversation, as the surface hands them to the runtime.
 * The bytes travel base64 in the message's mailbox event, the one place they are stored:
 * transcripts refer to an image by that event and its index.
 */
export interface SharedFile {
  /** The surface's own id (Slack's F…). */
  id: string;
  /** The name its sharer gave it: attacker data, made safe by `safeSharedFileName` before use. */
  name: string;
  mediaType: string;
  /** `image`: shown to models that accept images; `file`: placed in workers' workspaces; `skipped`: named only. */
  kind: "image" | "file" | "skipped";
  size: number;
  /** Base64 of the bytes, for `image` and `file`. */
  data?: string;
  /** Why a `skipped` file was not taken (too large, not shared here, …). */
  reason?: string;
}

/** Image types both providers accept as image input. */
export const imageMediaTypes: ReadonlySet<string> = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
]);

/** The default of `THREADWORK_SHARED_FILE_MAX_BYTES`: the largest file shared or attached. */
export const defaultSharedFileMaxBytes = 2 * 1024 * 1024;

/** Anthropic refuses an image over 5 MB of base64; this many raw bytes stay under it. */
export const maximumImageBytes = 3_750_000;
/** Images one message may carry to a model; more are named only. */
export const maximumImagesPerMessage = 4;
/** Files one message may carry at all; more are named only. */
export const maximumFilesPerMessage = 10;

/** The folder of a worker's working copy the session's shared files are placed in. */
export const sharedFilesFolder = ".threadwork/files";

const maximumNameBytes = 120;

/**
 * A shared file's name as one plain file name inside the shared-files folder: no folders, no
 * `..`, no control characters or NUL, not hidden, at most 120 bytes; the id keeps names apart.
 */
export function safeSharedFileName(name: string, id: string): string {
  const base = name.split(/[/\\]/).at(-1) ?? "";
  let cleaned = base
    .replace(/\p{Cc}/gu, "")
    .replace(/[^\p{L}\p{N}._ -]/gu, "_")
    .replace(/^[.\s]+/, "")
    .trim();
  while (Buffer.byteLength(cleaned) > maximumNameBytes) cleaned = cleaned.slice(0, -1);
  const safeId = id.replace(/[^A-Za-z0-9]/g, "").slice(0, 20) || "file";
  return cleaned === "" ? safeId : `${safeId}-${cleaned}`;
}
