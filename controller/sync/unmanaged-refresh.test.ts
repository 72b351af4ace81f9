import { describe, expect, it } from "vitest";
import { unmanagedDue } from "./unmanaged-refresh.js";

describe("unmanagedDue", () => {
  it.each<[string, number | undefined, number, boolean]>([
    ["never listed", undefined, 1_000, true],
    ["listed a moment ago", 1_000, 30_000, false],
    ["listed a minute ago", 1_000, 61_000, true],
  ])("%s", (_, last, now, expected) => {
    expect(unmanagedDue(last, now)).toBe(expected);
  });
});
