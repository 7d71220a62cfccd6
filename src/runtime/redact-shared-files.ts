import { redactSecrets } from "../domain/secret-redaction.ts";
import type { SharedFile } from "../domain/shared-files.ts";

function utf8Text(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Shared files as they are stored: names redacted, and a text file's content too (a token in a
 * pasted log is stored and placed redacted, as one pasted into a message is). Binary files
 * (images, archives) are kept byte for byte.
 */
export function redactSharedFiles(files: SharedFile[]): SharedFile[] {
  return files.map((file) => {
    const named = { ...file, name: redactSecrets(file.name) };
    if (file.kind !== "file" || typeof file.data !== "string") return named;
    const text = utf8Text(Buffer.from(file.data, "base64"));
    if (text === undefined) return named;
    const redacted = redactSecrets(text);
    if (redacted === text) return named;
    const bytes = Buffer.from(redacted, "utf8");
    return { ...named, data: bytes.toString("base64"), size: bytes.byteLength };
  });
}
