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

  it("keeps comments on one line", () => {
    expect(sseComment("a\nb")).toBe(": a b\n\n");
  });
});
