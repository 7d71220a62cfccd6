import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { EncryptionKey } from "../../config/encryption-key.ts";
import { ThreadworkError } from "../../domain/errors.ts";

/** A stored token that does not open with the configured key: another key sealed it, or it was altered. */
export class TokenDecryptionError extends ThreadworkError {
  constructor(installation: string, field: string, reason: string) {
    super(
      "installation_token_unreadable",
      `the ${field} of Slack installation ${installation} cannot be decrypted: ${reason}`,
      { category: "system", details: { installation, field } },
    );
    this.name = "TokenDecryptionError";
  }
}

const version = "v1";

/**
 * Seals and opens tokens with AES-256-GCM: a random 12-byte nonce per seal, and the installation
 * and field as associated data, so a sealed token copied to another row or column does not open.
 * Stored as `v1.<key id>.<nonce>.<ciphertext>.<tag>` (base64url).
 */
export class TokenCipher {
  readonly keyId: string;
  private readonly key: Buffer;

  constructor(key: EncryptionKey) {
    this.key = key.bytes;
    this.keyId = key.id;
  }

  seal(plaintext: string, installation: string, field: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, nonce);
    cipher.setAAD(Buffer.from(`${installation}\0${field}`));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const parts = [nonce, ciphertext, cipher.getAuthTag()].map((part) => part.toString("base64url"));
    return [version, this.keyId, ...parts].join(".");
  }

  open(sealed: string, installation: string, field: string): string {
    const [given, keyId, nonce, ciphertext, tag, ...rest] = sealed.split(".");
    if (given !== version || !keyId || !nonce || ciphertext === undefined || !tag || rest.length > 0) {
      throw new TokenDecryptionError(installation, field, "it is not a sealed token");
    }
    if (keyId !== this.keyId) {
      throw new TokenDecryptionError(
        installation,
        field,
        `it was sealed with key ${keyId}, and THREADWORK_ENCRYPTION_KEY is key ${this.keyId}`,
      );
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(nonce, "base64url"));
      decipher.setAAD(Buffer.from(`${installation}\0${field}`));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, "base64url")),
        decipher.final(),
      ]).toString("utf8");
    } catch {
      throw new TokenDecryptionError(
        installation,
        field,
        "the key does not open it (wrong key or altered row)",
      );
    }
  }
}
