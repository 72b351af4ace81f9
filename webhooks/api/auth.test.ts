import { describe, expect, it } from "vitest";
import { bearerAllowed, isOpenPath } from "./auth.js";

describe("bearerAllowed", () => {
  it.each([
    [undefined, undefined, true],
    ["Bearer anything", undefined, true],
    ["Bearer s3cret", "s3cret", true],
    ["bearer s3cret", "s3cret", true],
    ["Bearer  s3cret ", "s3cret", true],
    ["Bearer s3cre", "s3cret", false],
    ["Bearer s3cret2", "s3cret", false],
    ["Basic czNjcmV0", "s3cret", false],
    ["s3cret", "s3cret", false],
    [undefined, "s3cret", false],
  ])("%j with token %j → %s", (header, token, allowed) => {
    expect(bearerAllowed(header, token)).toBe(allowed);
  });
});

describe("isOpenPath", () => {
  it.each([
    ["/healthz", true],
    ["/readyz", true],
    ["/webhooks/github", true],
    ["/metrics", false],
    ["/api/kubefox/v0/system", false],
    ["/healthz/../api", false],
  ])("%s → %s", (path, open) => {
    expect(isOpenPath(path)).toBe(open);
  });
});
