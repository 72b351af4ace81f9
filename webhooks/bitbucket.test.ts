import { describe, expect, it } from "vitest";
import {
  bitbucket as deliver,
  bitbucketCloudPush,
  bitbucketServerPush,
} from "../test/webhooks/payloads.js";
import { bitbucket } from "./bitbucket.js";

const secret = "s3cret";

describe("bitbucket", () => {
  it("verifies X-Hub-Signature as sha256=<hex>", () => {
    const d = deliver(
      "repo:push",
      bitbucketCloudPush({ url: "https://bitbucket.org/acme/shop.git" }),
      secret,
    );
    expect(bitbucket.signed(d.headers)).toBe(true);
    expect(bitbucket.verify(secret, Buffer.from(d.body), d.headers)).toBe(true);
    expect(bitbucket.verify("other", Buffer.from(d.body), d.headers)).toBe(false);
  });

  it("reads a Bitbucket Cloud push by the repository's web link", () => {
    const payload = bitbucketCloudPush({
      url: "https://bitbucket.org/acme/shop.git",
      ref: "refs/tags/v2.0.0",
      after: "e".repeat(40),
    });
    const d = deliver("repo:push", payload, secret);
    expect(bitbucket.parse(d.headers, payload)).toEqual({
      kind: "push",
      cloneUrls: ["https://bitbucket.org/acme/shop"],
      ref: "refs/tags/v2.0.0",
      commit: "e".repeat(40),
      repository: "acme/shop",
    });
  });

  it("reads a Bitbucket Server push by its clone links", () => {
    const payload = bitbucketServerPush({
      url: "https://bitbucket.example.com/scm/proj/shop.git",
      after: "f".repeat(40),
    });
    const d = deliver("repo:refs_changed", payload, secret);
    expect(bitbucket.parse(d.headers, payload)).toEqual({
      kind: "push",
      cloneUrls: [
        "ssh://git@bitbucket.example.com:2222/scm/proj/shop.git",
        "https://bitbucket.example.com/scm/proj/shop.git",
      ],
      ref: "refs/heads/main",
      commit: "f".repeat(40),
      repository: "PROJ/shop",
    });
  });

  it.each([
    ["diagnostics:ping", { kind: "ping" }],
    ["pullrequest:created", { kind: "ignored", event: "pullrequest:created" }],
    ["repo:modified", { kind: "ignored", event: "repo:modified" }],
  ])("answers %s without a sync", (event, expected) => {
    expect(bitbucket.parse(deliver(event, {}, secret).headers, {})).toEqual(expected);
  });
});
