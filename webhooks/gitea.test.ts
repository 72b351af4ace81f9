import { describe, expect, it } from "vitest";
import { gitea as deliver, giteaPush, sha256Hex } from "../test/webhooks/payloads.js";
import { gitea } from "./gitea.js";

const secret = "s3cret";
const url = "https://gitea.example.com/acme/shop.git";

describe("gitea", () => {
  it("verifies X-Hub-Signature-256, or the bare X-Gitea-Signature of older servers", () => {
    const d = deliver("push", giteaPush({ url }), secret);
    const body = Buffer.from(d.body);
    expect(gitea.verify(secret, body, d.headers)).toBe(true);
    const legacy = { "x-gitea-event": "push", "x-gitea-signature": sha256Hex(secret, d.body) };
    expect(gitea.signed(legacy)).toBe(true);
    expect(gitea.verify(secret, body, legacy)).toBe(true);
    expect(gitea.verify(secret, body, { "x-forgejo-signature": sha256Hex(secret, d.body) })).toBe(
      true,
    );
    expect(gitea.verify("other", body, d.headers)).toBe(false);
    expect(
      gitea.verify(secret, body, { ...legacy, "x-gitea-signature": sha256Hex("x", d.body) }),
    ).toBe(false);
  });

  it("does not fall back to the bare signature when X-Hub-Signature-256 is wrong", () => {
    const d = deliver("push", giteaPush({ url }), secret);
    const headers = { ...d.headers, "x-hub-signature-256": `sha256=${"0".repeat(64)}` };
    expect(gitea.verify(secret, Buffer.from(d.body), headers)).toBe(false);
  });

  it("reads a push", () => {
    const d = deliver("push", giteaPush({ url, after: "c".repeat(40) }), secret);
    expect(gitea.parse(d.headers, JSON.parse(d.body))).toEqual({
      kind: "push",
      cloneUrls: expect.arrayContaining([url, "git@gitea.example.com:acme/shop.git"]),
      ref: "refs/heads/main",
      commit: "c".repeat(40),
      repository: "acme/shop",
    });
  });

  it("ignores other events", () => {
    const d = deliver("issues", { action: "opened" }, secret);
    expect(gitea.parse(d.headers, {})).toEqual({ kind: "ignored", event: "issues" });
  });
});
