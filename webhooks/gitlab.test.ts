import { describe, expect, it } from "vitest";
import { gitlab as deliver, gitlabPush } from "../test/webhooks/payloads.js";
import { gitlab } from "./gitlab.js";

const secret = "s3cret";
const url = "https://gitlab.example.com/group/sub/shop.git";

describe("gitlab", () => {
  it("compares X-Gitlab-Token with the secret", () => {
    const d = deliver("Push Hook", gitlabPush({ url }), secret);
    expect(gitlab.signed(d.headers)).toBe(true);
    expect(gitlab.verify(secret, Buffer.from(d.body), d.headers)).toBe(true);
    expect(gitlab.verify("s3cre", Buffer.from(d.body), d.headers)).toBe(false);
    expect(gitlab.signed({ "x-gitlab-event": "Push Hook" })).toBe(false);
  });

  it("reads a push and a tag push", () => {
    for (const [event, ref] of [
      ["Push Hook", "refs/heads/main"],
      ["Tag Push Hook", "refs/tags/v1.0.0"],
    ] as const) {
      const d = deliver(event, gitlabPush({ url, ref, after: "d".repeat(40) }), secret);
      expect(gitlab.parse(d.headers, JSON.parse(d.body))).toEqual({
        kind: "push",
        cloneUrls: expect.arrayContaining([
          url,
          "ssh://git@gitlab.example.com:2222/group/sub/shop.git",
          "https://gitlab.example.com/group/sub/shop",
        ]),
        ref,
        commit: "d".repeat(40),
        repository: "group/sub/shop",
      });
    }
  });

  it("reads a push from an instance-wide System Hook", () => {
    const d = deliver("System Hook", gitlabPush({ url }), secret);
    expect(gitlab.parse(d.headers, JSON.parse(d.body))).toMatchObject({ kind: "push" });
  });

  it("ignores merge requests and pipelines", () => {
    const d = deliver("Merge Request Hook", { object_kind: "merge_request" }, secret);
    expect(gitlab.parse(d.headers, { object_kind: "merge_request" })).toEqual({
      kind: "ignored",
      event: "Merge Request Hook",
    });
  });
});
