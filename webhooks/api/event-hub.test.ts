import { describe, expect, it } from "vitest";
import { EventHub } from "./event-hub.js";
import type { LoggedEvent } from "./event-log.js";
import type { StreamEvent } from "./types.js";

function fakeView() {
  const listeners = new Set<(e: StreamEvent) => void>();
  return {
    listeners,
    subscribe(listener: (e: StreamEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(n: number) {
      for (const l of listeners)
        l({
          event: "sync",
          data: {
            time: "2026-01-01T00:00:00.000Z",
            repo: "r",
            reason: "poll",
            fetch: true,
            ms: n,
            result: "ok",
          },
        });
    },
  };
}

describe("EventHub", () => {
  it("subscribes once for every client, and replays what a returning client missed", () => {
    const view = fakeView();
    const hub = new EventHub(view, 60_000);
    const seen: LoggedEvent[] = [];
    const a = hub.attach((e) => seen.push(e));
    const b = hub.attach(() => undefined);
    expect(view.listeners.size).toBe(1);
    view.emit(1);
    const lastSeen = seen.at(-1)!.id;
    a.detach();
    view.emit(2);
    view.emit(3);
    const back = hub.attach(() => undefined, lastSeen);
    expect(back.replay!.map((e) => e.event.data)).toMatchObject([{ ms: 2 }, { ms: 3 }]);
    b.detach();
    back.detach();
    hub.stop();
  });

  it("lets go of the view after the grace period, and then refuses old ids", async () => {
    const view = fakeView();
    const hub = new EventHub(view, 10);
    const first = hub.attach(() => undefined);
    view.emit(1);
    const id = first.lastId;
    first.detach();
    await new Promise((r) => setTimeout(r, 50));
    expect(view.listeners.size).toBe(0);
    const again = hub.attach(() => undefined, id);
    expect(again.replay).toBeUndefined();
    again.detach();
    hub.stop();
  });
});
