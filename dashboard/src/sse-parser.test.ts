import { describe, expect, it } from "vitest";
import { SseParser } from "./sse-parser.js";

describe("SseParser", () => {
  it("reads events split anywhere across chunks, remembers ids and skips comments", () => {
    const text =
      'retry: 2000\nid: a-0\n: connected\n\nid: a-1\nevent: sync\ndata: {"x":1}\n\n: keep-alive\n\nevent: pod\r\ndata: {"y":2}\r\n\r\n';
    for (const size of [1, 3, 7, text.length]) {
      const parser = new SseParser();
      const out = [];
      for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
      expect(out).toEqual([
        { event: "sync", data: '{"x":1}', id: "a-1" },
        { event: "pod", data: '{"y":2}', id: "a-1" },
      ]);
      expect(parser.lastEventId).toBe("a-1");
      expect(parser.retry).toBe(2000);
    }
  });

  it("joins data lines, and names an unnamed event message", () => {
    expect(new SseParser().push("data: a\ndata: b\n\n")).toEqual([
      { event: "message", data: "a\nb", id: undefined },
    ]);
  });

  it("takes the id of a block without data (the server's connect line)", () => {
    const parser = new SseParser();
    expect(parser.push("id: e-5\n: connected\n\n")).toEqual([]);
    expect(parser.lastEventId).toBe("e-5");
  });
});
