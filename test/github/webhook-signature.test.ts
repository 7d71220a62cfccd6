import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhookBody, verifyWebhookSignature } from "../../src/adapters/github/webhook-signature.ts";

const secret = "It's a Secret to Everybody";
const body = Buffer.from("Hello, World!");

describe("GitHub webhook signatures", () => {
  it("accepts GitHub's documented example", () => {
    // docs.github.com "Validating webhook deliveries": this secret and payload give this signature.
    const header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    expect(verifyWebhookSignature(secret, body, header)).toBe(true);
    expect(signWebhookBody(secret, body)).toBe(header);
  });

  it("refuses a missing, malformed, truncated or other-secret signature", () => {
    const good = signWebhookBody(secret, body);
    expect(verifyWebhookSignature(secret, body, undefined)).toBe(false);
    expect(verifyWebhookSignature(secret, body, "")).toBe(false);
    expect(verifyWebhookSignature(secret, body, good.replace("sha256=", "sha1="))).toBe(false);
    expect(verifyWebhookSignature(secret, body, good.slice(0, -2))).toBe(false);
    expect(verifyWebhookSignature(secret, body, `sha256=${"zz".repeat(32)}`)).toBe(false);
    expect(verifyWebhookSignature("another secret", body, good)).toBe(false);
    expect(verifyWebhookSignature(secret, Buffer.from("Hello, World?"), good)).toBe(false);
  });

  it("refuses everything when no secret is set", () => {
    const unsigned = `sha256=${createHmac("sha256", "").update(body).digest("hex")}`;
    expect(verifyWebhookSignature("", body, unsigned)).toBe(false);
  });
});
