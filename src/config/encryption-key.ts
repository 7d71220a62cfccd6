import { createHash } from "node:crypto";

/** The key that encrypts installation tokens at rest: 32 bytes, and a short id naming it in each row. */
export interface EncryptionKey {
  bytes: Buffer;
  /** Derived from the key, so a row says which key sealed it and a rotation can tell keys apart. */
  id: string;
}

const keyLength = 32;

/** Reads `THREADWORK_ENCRYPTION_KEY`: 32 bytes as 64 hex digits or as base64; undefined when it is neither. */
export function decodeEncryptionKey(text: string): EncryptionKey | undefined {
  const trimmed = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) bytes = Buffer.from(trimmed, "hex");
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const decoded = Buffer.from(trimmed.replaceAll("-", "+").replaceAll("_", "/"), "base64");
    if (decoded.length === keyLength) bytes = decoded;
  }
  if (!bytes || bytes.length !== keyLength) return undefined;
  const id = createHash("sha256").update("threadwork-token-key\0").update(bytes).digest("hex").slice(0, 12);
  return { bytes, id };
}
