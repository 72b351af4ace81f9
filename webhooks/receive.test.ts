import { describe, expect, it, vi } from "vitest";
import { github as deliver, githubPush, sha256Hex } from "../test/webhooks/payloads.js";
import { github } from "./github.js";
import { receiveWebhook, type WebhookTarget } from "./receive.js";

const secret = "s3cret";
const watched = ["https://git.example.com/acme/shop.git", "/srv/git/local-repo"];

function target(overrides: Partial<WebhookTarget> = {}) {
  const requestSync = vi.fn(
    (matches: (l: string) => boolean, _reason: string) => watched.filter(matches).length,
  );
  const t: WebhookTarget = {
    secret,
    repositories: () => watched,
    requestSync,
    newSyncId: () => "sync-1",
    ...overrides,
  };
  return Object.assign(t, { requestSync });
}

function receive(d: { headers: Record<string, string>; body: string }, t: WebhookTarget) {
  return receiveWebhook(github, { headers: d.headers, body: Buffer.from(d.body) }, t);
}

describe("receiveWebhook", () => {
  it("requests a sync of the matching repository and answers 202 with the sync id", () => {
    const t = target();
    const d = deliver("push", githubPush({ url: "https://GIT.example.com/acme/shop" }), secret);
    const answer = receive(d, t);
    expect(answer).toMatchObject({
      status: 202,
      result: "accepted",
      body: { syncId: "sync-1", matched: 1 },
    });
    expect(t.requestSync).toHaveBeenCalledOnce();
    const [matches, reason] = t.requestSync.mock.calls[0]!;
    expect(watched.filter(matches)).toEqual(["https://git.example.com/acme/shop.git"]);
    expect(reason).toBe("webhook github sync-1");
  });

  it("answers 202 and requests nothing for a repository it does not watch", () => {
    const t = target();
    const answer = receive(
      deliver("push", githubPush({ url: "https://git.example.com/acme/other.git" }), secret),
      t,
    );
    expect(answer).toMatchObject({ status: 202, result: "unmatched", body: { matched: 0 } });
    expect(t.requestSync).not.toHaveBeenCalled();
  });

  it.each([
    [
      "no secret configured",
      { secret: undefined },
      (d: { headers: Record<string, string> }) => d.headers,
    ],
    [
      "a missing signature",
      {},
      (d: { headers: Record<string, string> }) => ({
        ...d.headers,
        "x-hub-signature-256": undefined as unknown as string,
      }),
    ],
    [
      "a forged signature",
      {},
      (d: { headers: Record<string, string> }) => ({
        ...d.headers,
        "x-hub-signature-256": `sha256=${"1".repeat(64)}`,
      }),
    ],
  ])("refuses %s with 401, requests nothing and logs no body", (_what, overrides, headers) => {
    const t = target(overrides);
    const d = deliver("push", githubPush({ url: watched[0]! }), secret);
    const answer = receive({ ...d, headers: headers(d) }, t);
    expect(answer.status).toBe(401);
    expect(answer.result).toBe("unauthorized");
    expect(JSON.stringify(answer.fields)).not.toMatch(/acme|refs\/heads/);
    expect(t.requestSync).not.toHaveBeenCalled();
  });

  it("answers 400 for a signed body that is not JSON", () => {
    const t = target();
    const body = "{not json";
    const headers = {
      ...deliver("push", {}, secret).headers,
      "x-hub-signature-256": `sha256=${sha256Hex(secret, body)}`,
    };
    const answer = receive({ headers, body }, t);
    expect(answer).toMatchObject({ status: 400, result: "bad_request" });
    expect(t.requestSync).not.toHaveBeenCalled();
  });

  it("answers a ping with 200 and requests nothing", () => {
    const t = target();
    expect(
      receive(deliver("ping", { zen: "Approachable is better than simple." }, secret), t),
    ).toMatchObject({
      status: 200,
      result: "ping",
    });
    expect(t.requestSync).not.toHaveBeenCalled();
  });
});
