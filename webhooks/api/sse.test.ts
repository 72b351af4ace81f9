import { describe, expect, it } from "vitest";
import { parseSse, sseComment, sseFrame } from "./sse.js";

describe("sseFrame", () => {
  it("writes one event with its data on one line, and reads back the same", () => {
    const data = {
      time: "2024-01-01T00:00:00.000Z",
      repo: "https://git.example.com/shop.git",
      reason: "line one\nline two",
      fetch: true,
      ms: 12,
      result: "ok" as const,
    };
    const frame = sseFrame({ event: "sync", data });
    expect(frame.split("\n").filter(Boolean)).toHaveLength(2);
    expect(frame.endsWith("\n\n")).toBe(true);
    const [parsed] = parseSse(sseComment("connected") + frame);
    expect(parsed!.event).toBe("sync");
    expect(JSON.parse(parsed!.data)).toEqual(data);
  });

  it("gives the event its id first when it has one (for Last-Event-ID)", () => {
    const frame = sseFrame({ event: "pod", data: podData }, "k1-7");
    expect(frame.startsWith("id: k1-7\nevent: pod\n")).toBe(true);
    expect(JSON.parse(parseSse(frame)[0]!.data)).toEqual(podData);
  });

  it("keeps comments on one line", () => {
    expect(sseComment("a\nb")).toBe(": a b\n\n");
  });
});

const podData = {
  time: "2024-01-01T00:00:00.000Z",
  change: "ready" as const,
  namespace: "shop",
  name: "web-1",
  phase: "Running",
  ready: true,
  restarts: 0,
};
