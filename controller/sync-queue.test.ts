import { describe, expect, it } from "vitest";
import { SyncQueue } from "./sync-queue.js";

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
});
