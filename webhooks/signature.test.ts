import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hmacSha256Hex, tokensEqual, verifySha256 } from "./signature.js";

const secret = "It's a Secret to Everybody";
const body = Buffer.from("Hello, World!");

describe("hmacSha256Hex", () => {
  it("matches the example in GitHub's documentation", () => {
    // docs.github.com "Validating webhook deliveries": this secret and payload give this digest.
    expect(hmacSha256Hex(secret, body)).toBe(
      "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    );
  });
});

describe("verifySha256", () => {
  const good = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

  it.each([
    ["the right signature", good, true],
    ["upper-case hex", good.toUpperCase().replace("SHA256=", "sha256="), true],
    ["an upper-case prefix", good.replace("sha256=", "SHA256="), true],
    ["no header", undefined, false],
    ["an empty header", "", false],
    ["another body's signature", `sha256=${hmacSha256Hex(secret, Buffer.from("x"))}`, false],
    ["another secret's signature", `sha256=${hmacSha256Hex("other", body)}`, false],
    [
      "sha1 instead of sha256",
      `sha1=${createHmac("sha1", secret).update(body).digest("hex")}`,
      false,
    ],
    ["a truncated digest", good.slice(0, -2), false],
    ["no prefix", good.slice(7), false],
    ["non-hex characters", `sha256=${"z".repeat(64)}`, false],
  ])("%s → %s", (_what, header, expected) => {
    expect(verifySha256(secret, body, header)).toBe(expected);
  });

  it("takes a bare hex digest when the prefix is empty (Gitea's X-Gitea-Signature)", () => {
    expect(verifySha256(secret, body, hmacSha256Hex(secret, body), "")).toBe(true);
    expect(verifySha256(secret, body, good, "")).toBe(false);
  });
});

describe("tokensEqual", () => {
  it.each([
    ["s3cret", "s3cret", true],
    ["s3cret", "s3cre", false],
    ["s3cret ", "s3cret", false],
    ["", "s3cret", false],
    [undefined, "s3cret", false],
  ])("%j vs %j → %s", (given, expected, result) => {
    expect(tokensEqual(given, expected)).toBe(result);
  });
});
