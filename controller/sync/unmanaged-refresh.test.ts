import { describe, expect, it } from "vitest";
import { shouldListUnmanaged } from "./unmanaged-refresh.js";

describe("shouldListUnmanaged", () => {
  it.each([
    ["never listed", { changedSeq: -1, atMs: 0 }, 1, 1_000, true],
    ["Git changed since", { changedSeq: 1, atMs: 1_000 }, 2, 1_500, true],
    ["Git as it was, a moment later", { changedSeq: 2, atMs: 1_000 }, 2, 30_000, false],
    ["Git as it was, a minute later", { changedSeq: 2, atMs: 1_000 }, 2, 61_000, true],
  ])("%s", (_, last, changedSeq, now, expected) => {
    expect(shouldListUnmanaged(last, changedSeq, now)).toBe(expected);
  });
});
