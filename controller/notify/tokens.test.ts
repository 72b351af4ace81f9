import { describe, expect, it } from "vitest";
import { parseTokenFile, tokenFor } from "./tokens.js";

describe("status tokens", () => {
  const tokens = parseTokenFile(
    "# comment\nfallback-token\ngithub.com gh-token\ngithub.com/acme/shop shop-token\ngit.acme.io:8443 ghe-token\n",
  );
  it.each([
    ["github.com", ["acme", "shop"], "shop-token"],
    ["github.com", ["acme", "other"], "gh-token"],
    ["git.acme.io:8443", ["a", "b"], "ghe-token"],
    ["gitlab.com", ["a", "b"], "fallback-token"],
  ])("%s/%j → %s", (host, segments, token) => {
    expect(tokenFor(tokens, { host, segments })).toBe(token);
  });

  it("has no token without a fallback", () => {
    expect(tokenFor(parseTokenFile("github.com x"), { host: "gitlab.com", segments: [] })).toBe(
      undefined,
    );
  });

  it("names the line, never its content, when one is odd", () => {
    expect(() => parseTokenFile("a b c-secret")).toThrow(/^line 1: expected/);
    expect(() => parseTokenFile("a b c-secret")).not.toThrow(/secret/);
  });
});
