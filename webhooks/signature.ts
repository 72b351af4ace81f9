// Webhook signatures, checked in constant time (DESIGN §5). Every comparison
// goes through a fixed-length digest, so neither the secret's length nor the
// position of the first wrong byte shows in the time an answer takes.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** HMAC-SHA256 of the raw body as lowercase hex: what GitHub, Gitea and Bitbucket send. */
export function hmacSha256Hex(secret: string, body: Buffer): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

/**
 * Checks a `sha256=<hex>` header (or bare `<hex>` when `prefix` is "") against
 * the HMAC of the raw body. False for a missing, malformed or wrong signature.
 */
export function verifySha256(
  secret: string,
  body: Buffer,
  header: string | undefined,
  prefix = "sha256=",
): boolean {
  if (header === undefined) return false;
  const value = header.trim();
  if (value.slice(0, prefix.length).toLowerCase() !== prefix) return false;
  const hex = value.slice(prefix.length);
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(hex, "hex"));
}

/** Equality of two tokens (GitLab's X-Gitlab-Token, the API's bearer token) in constant time. */
export function tokensEqual(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  // Digests have one length whatever the inputs, as timingSafeEqual needs.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
