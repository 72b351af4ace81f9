import { describe, expect, it } from "vitest";
import { applyDelta, CorruptObjectError, deltaResultSize } from "./delta.js";

/** A delta: base size, result size, then instructions. */
const delta = (...bytes: number[]) => Buffer.from(bytes);

describe("applyDelta", () => {
  const base = Buffer.from("hello, world");

  it("copies ranges of the base and inserts literal bytes", () => {
    // copy offset 7 size 5 ("world"), insert "!", copy offset 0 size 5 ("hello")
    const d = delta(12, 11, 0x91, 7, 5, 1, 0x21, 0x90, 5);
    expect(applyDelta(base, d).toString()).toBe("world!hello");
    expect(deltaResultSize(d)).toBe(11);
  });

  it("reads a size of 0 as 0x10000", () => {
    const big = Buffer.alloc(0x10000, 7);
    const d = delta(0x80, 0x80, 4, 0x80, 0x80, 4, 0x80);
    expect(applyDelta(big, d).equals(big)).toBe(true);
  });

  it.each([
    ["a base of the wrong size", delta(11, 5, 0x90, 5)],
    ["a copy past the end of the base", delta(12, 5, 0x91, 10, 5)],
    ["an insert past its end", delta(12, 5, 5, 0x61)],
    ["a result shorter than declared", delta(12, 6, 0x90, 5)],
    ["the reserved instruction 0", delta(12, 1, 0)],
    ["a truncated header", delta(0x80)],
  ])("refuses %s", (_what, d) => {
    expect(() => applyDelta(base, d)).toThrow(CorruptObjectError);
  });
});
