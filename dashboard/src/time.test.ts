import { describe, expect, it } from "vitest";
import { countdown, exact, relative } from "./time.js";

const now = Date.parse("2026-11-27T20:00:00.000Z");

describe("relative", () => {
  it.each([
    ["2026-11-27T19:59:58.000Z", "just now"],
    ["2026-11-27T19:59:15.000Z", "45 s ago"],
    ["2026-11-27T19:58:00.000Z", "2 min ago"],
    ["2026-11-27T17:00:00.000Z", "3 h ago"],
    ["2026-11-23T20:00:00.000Z", "4 d ago"],
    ["2026-11-27T20:05:00.000Z", "in 5 min"],
    ["not a time", "not a time"],
  ])("%s: %s", (at, text) => {
    expect(relative(at, now)).toBe(text);
  });
});

describe("countdown", () => {
  it.each([
    ["2026-11-27T20:04:10.000Z", "4 min 10 s left"],
    ["2026-11-27T20:00:09.500Z", "9 s left"],
    ["2026-11-27T19:59:48.000Z", "passed 12 s ago"],
  ])("%s: %s", (deadline, text) => {
    expect(countdown(deadline, now)).toBe(text);
  });
});

it("exact", () => {
  expect(exact("2026-11-27T20:14:40.123Z")).toBe("2026-11-27 20:14:40 UTC");
});
