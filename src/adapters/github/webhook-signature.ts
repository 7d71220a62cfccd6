import { createHmac, timingSafeEqual } from "node:crypto";

const prefix = "sha256=";

/** `X-Hub-Signature-256` for `body`: `sha256=` and the HMAC-SHA256 of the raw bytes, in hex. */
export function signWebhookBody(secret: string, body: Uint8Array): string {
  return `${prefix}${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * Whether `header` is GitHub's signature of exactly these bytes with `secret`. Compared in
 * constant time; an empty secret verifies nothing.
 */
export function verifyWebhookSignature(
  secret: string,
  body: Uint8Array,
  header: string | undefined,
): boolean {
  if (!secret || !header?.startsWith(prefix)) return false;
  const given = Buffer.from(header.slice(prefix.length), "hex");
  const expected = createHmac("sha256", secret).update(body).digest();
  // Buffer.from(…, "hex") stops at the first bad pair, so a malformed header comes out short.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
