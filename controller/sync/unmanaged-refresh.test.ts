import { describe, expect, it } from "vitest";
import { refreshDelayMs, unmanagedDue } from "./unmanaged-refresh.js";

describe("unmanagedDue", () => {
  it.each<[string, number | undefined, number, boolean]>([
    ["never listed", undefined, 1_000, true],
    ["listed a moment ago", 1_000, 30_000, false],
    ["listed a minute ago", 1_000, 61_000, true],
  ])("%s", (_, last, now, expected) => {
    expect(unmanagedDue(last, now)).toBe(expected);
  });
});

describe("refreshDelayMs", () => {
  it.each<[string, number, number, number, number]>([
    ["just listed, no spread", 1_000, 1_000, 0, 60_000],
    ["just listed, the most spread", 1_000, 1_000, 0.999_999, 79_999],
    ["listed 50 s ago", 1_000, 51_000, 0, 10_000],
    ["overdue: at once, plus the spread", 1_000, 100_000, 0.5, 10_000],
  ])("%s", (_, last, now, spread, expected) => {
    expect(refreshDelayMs(last, now, spread)).toBe(expected);
  });
});
