import { describe, expect, it } from "vitest";
import { EventLog } from "./event-log.js";
import type { StreamEvent } from "./types.js";

const sync = (n: number): StreamEvent => ({
  event: "sync",
  data: {
    time: "2026-01-01T00:00:00.000Z",
    repo: `r${n}`,
    reason: "poll",
    fetch: true,
    ms: n,
    result: "ok",
  },
});

describe("EventLog", () => {
  it("numbers events and replays those after an id", () => {
    const log = new EventLog(10, "e1");
    const ids = [1, 2, 3].map((n) => log.append(sync(n)).id);
    expect(ids).toEqual(["e1-1", "e1-2", "e1-3"]);
    expect(log.since("e1-1")!.map((e) => e.id)).toEqual(["e1-2", "e1-3"]);
    expect(log.since("e1-3")).toEqual([]);
    expect(log.lastId).toBe("e1-3");
  });

  it.each([
    ["another process's id", "e0-2"],
    ["an id not given yet", "e1-9"],
    ["garbage", "<script>"],
    ["an empty id", ""],
  ])("does not honour %s", (_what, id) => {
    const log = new EventLog(10, "e1");
    log.append(sync(1));
    log.append(sync(2));
    expect(log.since(id)).toBeUndefined();
  });

  it("keeps at most its capacity, and refuses ids that fell out of it", () => {
    const log = new EventLog(3, "e1");
    for (let n = 1; n <= 6; n++) log.append(sync(n));
    // Kept: 4, 5, 6. After 3 the client needs 4..6: all kept.
    expect(log.since("e1-3")!.map((e) => e.id)).toEqual(["e1-4", "e1-5", "e1-6"]);
    // After 2 it would need 3, which is gone.
    expect(log.since("e1-2")).toBeUndefined();
  });

  it("replays from the start when the client saw nothing of this process (id 0)", () => {
    const log = new EventLog(3, "e1");
    log.append(sync(1));
    expect(log.since("e1-0")!.map((e) => e.id)).toEqual(["e1-1"]);
  });
});
