import { describe, expect, it } from "vitest";
import { foldRequests, SyncQueue, type SyncRequest } from "./queue.js";

describe("SyncQueue", () => {
  it("turns a burst of requests into at most two syncs that never overlap", async () => {
    let active = 0;
    let maxActive = 0;
    const seen: boolean[] = [];
    const queue = new SyncQueue(async (r) => {
      active++;
      maxActive = Math.max(maxActive, active);
      seen.push(r.fetch);
      await new Promise((res) => setTimeout(res, 20));
      active--;
    });
    for (let i = 0; i < 100; i++) queue.request({ fetch: i % 2 === 1, reason: "burst" });
    await queue.idle();
    expect(queue.started).toBe(2);
    expect(maxActive).toBe(1);
    // The coalesced follow-up fetches if any request in the burst asked for it.
    expect(seen).toEqual([false, true]);
  });

  it("runs again for a request that arrives after the last sync ended", async () => {
    const queue = new SyncQueue(async () => undefined);
    queue.request({ fetch: true, reason: "a" });
    await queue.idle();
    queue.request({ fetch: true, reason: "b" });
    await queue.idle();
    expect(queue.started).toBe(2);
  });

  it("turns a burst longer than a sync into two syncs: one at once, one after the burst", async () => {
    const reasons: string[] = [];
    const queue = new SyncQueue(async (r) => {
      reasons.push(r.reason);
      await new Promise((res) => setTimeout(res, 10));
    });
    const options = { quietMs: 50, maxWaitMs: 5000 };
    // 300 ms of requests, one every 2 ms: thirty times as long as a sync.
    for (let i = 0; i < 150; i++) {
      queue.requestSettled({ fetch: true, reason: `hook ${i}` }, options);
      await new Promise((res) => setTimeout(res, 2));
    }
    await queue.idle();
    expect(reasons).toEqual(["hook 0", "hook 1"]);
    // Once it has been idle and quiet, a request runs at once, without waiting.
    await new Promise((res) => setTimeout(res, options.quietMs));
    const started = Date.now();
    queue.requestSettled({ fetch: true, reason: "later" }, options);
    expect(queue.started).toBe(3);
    await queue.idle();
    expect(Date.now() - started).toBeLessThan(50);
  });

  it("still syncs during a burst that never ends, once per maxWaitMs", async () => {
    const queue = new SyncQueue(async () => new Promise((res) => setTimeout(res, 5)));
    // Never quiet for long enough: only maxWaitMs lets a sync through.
    const options = { quietMs: 1000, maxWaitMs: 100 };
    const until = Date.now() + 350;
    while (Date.now() < until) {
      queue.requestSettled({ fetch: true, reason: "flood" }, options);
      await new Promise((res) => setTimeout(res, 5));
    }
    await queue.idle();
    expect(queue.started).toBeGreaterThanOrEqual(3);
    expect(queue.started).toBeLessThanOrEqual(6);
  });

  it("drops a held request on close", async () => {
    let runs = 0;
    const queue = new SyncQueue(async () => {
      runs++;
      await new Promise((res) => setTimeout(res, 20));
    });
    queue.requestSettled({ fetch: true, reason: "a" });
    queue.requestSettled({ fetch: true, reason: "b" });
    await queue.close();
    expect(runs).toBe(1);
  });
});

describe("foldRequests", () => {
  const hook: SyncRequest = { fetch: true, reason: "webhook", changedOnly: true };
  const poll: SyncRequest = { fetch: true, reason: "poll" };
  const drift: SyncRequest = { fetch: false, reason: "drift" };

  it.each<[string, SyncRequest, SyncRequest, SyncRequest]>([
    ["two webhooks: the changed platforms only", hook, hook, hook],
    ["a webhook and a poll: every platform", hook, poll, { fetch: true, reason: "webhook" }],
    ["a poll and a webhook: every platform", poll, hook, poll],
    [
      "a re-check and a webhook: fetch, every platform",
      drift,
      hook,
      { fetch: true, reason: "drift" },
    ],
  ])("%s", (_, a, b, folded) => {
    expect(foldRequests(a, b)).toEqual(folded);
  });

  it("is what a queue runs for requests that arrive while a sync runs", async () => {
    const seen: SyncRequest[] = [];
    const queue = new SyncQueue(async (r) => {
      seen.push(r);
      await new Promise((res) => setTimeout(res, 10));
    });
    queue.request(hook);
    queue.request(hook);
    queue.request(poll);
    await queue.idle();
    expect(seen).toEqual([hook, { fetch: true, reason: "webhook" }]);
  });
});
