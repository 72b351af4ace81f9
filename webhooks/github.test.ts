import { describe, expect, it } from "vitest";
import { github as deliver, githubPush } from "../test/webhooks/payloads.js";
import { github } from "./github.js";

const secret = "s3cret";
const url = "https://github.com/acme/shop.git";
const body = (d: { body: string }) => Buffer.from(d.body);

describe("github", () => {
  it("verifies X-Hub-Signature-256 over the raw body", () => {
    const d = deliver("push", githubPush({ url }), secret);
    expect(github.signed(d.headers)).toBe(true);
    expect(github.verify(secret, body(d), d.headers)).toBe(true);
    expect(github.verify("other", body(d), d.headers)).toBe(false);
    expect(github.verify(secret, Buffer.from(d.body + " "), d.headers)).toBe(false);
  });

  it("does not take the SHA-1 X-Hub-Signature alone", () => {
    const d = deliver("push", githubPush({ url }), secret);
    const { "x-hub-signature-256": _dropped, ...sha1Only } = d.headers;
    expect(github.signed(sha1Only)).toBe(false);
    expect(github.verify(secret, body(d), sha1Only)).toBe(false);
  });

  it("reads a push: every URL form of the repository, the ref and the new commit", () => {
    const d = deliver(
      "push",
      githubPush({ url, ref: "refs/tags/v1.2.0", after: "b".repeat(40) }),
      secret,
    );
    expect(github.parse(d.headers, JSON.parse(d.body))).toEqual({
      kind: "push",
      cloneUrls: expect.arrayContaining([
        "https://github.com/acme/shop.git",
        "git@github.com:acme/shop.git",
        "git://github.com/acme/shop.git",
        "https://github.com/acme/shop",
      ]),
      ref: "refs/tags/v1.2.0",
      commit: "b".repeat(40),
      repository: "acme/shop",
    });
  });

  it.each([
    ["ping", { zen: "Design for failure.", hook_id: 1 }, { kind: "ping" }],
    ["issues", { action: "opened" }, { kind: "ignored", event: "issues" }],
    ["create", { ref: "v1", ref_type: "tag" }, { kind: "ignored", event: "create" }],
  ])("answers %s without a sync", (event, payload, expected) => {
    const d = deliver(event, payload, secret);
    expect(github.parse(d.headers, payload)).toEqual(expected);
  });

  it("calls a push without a repository invalid", () => {
    const d = deliver("push", { ref: "refs/heads/main" }, secret);
    expect(github.parse(d.headers, { ref: "refs/heads/main" })).toMatchObject({ kind: "invalid" });
  });
});
