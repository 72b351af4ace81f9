import { describe, expect, it } from "vitest";
import { generic as deliver } from "../test/webhooks/payloads.js";
import { generic } from "./generic.js";

const secret = "s3cret";

describe("generic", () => {
  it("verifies X-Signature as sha256=<hex>", () => {
    const d = deliver({ repository: "https://git.example.com/shop.git" }, secret);
    expect(generic.signed(d.headers)).toBe(true);
    expect(generic.verify(secret, Buffer.from(d.body), d.headers)).toBe(true);
    expect(generic.verify("other", Buffer.from(d.body), d.headers)).toBe(false);
  });

  it.each([
    [
      { repository: "https://git.example.com/shop.git", ref: "refs/heads/main", commit: "a1" },
      {
        kind: "push",
        cloneUrls: ["https://git.example.com/shop.git"],
        ref: "refs/heads/main",
        commit: "a1",
      },
    ],
    [
      { repositories: ["https://a.example.com/x.git", "git@b.example.com:y.git"] },
      { kind: "push", cloneUrls: ["https://a.example.com/x.git", "git@b.example.com:y.git"] },
    ],
    [{ event: "ping" }, { kind: "ping" }],
    [
      { event: "release", repository: "https://git.example.com/shop.git" },
      { kind: "ignored", event: "release" },
    ],
    [
      { ref: "refs/heads/main" },
      { kind: "invalid", message: expect.stringMatching(/no repository URL/) },
    ],
    [
      ["https://git.example.com/shop.git"],
      { kind: "invalid", message: expect.stringMatching(/JSON object/) },
    ],
  ])("%j → %j", (payload, expected) => {
    expect(generic.parse({}, payload)).toEqual(expected);
  });
});
