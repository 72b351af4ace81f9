import { describe, expect, it } from "vitest";
import { wanted } from "./status-order.js";

const s = (state: string, description = "d") => ({ state, description });

describe("wanted", () => {
  it.each([
    ["the first status", undefined, s("pending"), true],
    ["a repeat", s("pending"), s("pending"), false],
    ["pending then success", s("pending"), s("success"), true],
    ["a late pending after success", s("success"), s("pending", "other"), false],
    ["failure after success (degraded later)", s("success"), s("failure"), true],
    ["success after failure (fixed)", s("failure"), s("success"), true],
    ["the same state, a new description", s("failure", "a"), s("failure", "b"), true],
  ])("%s → %s", (_what, latest, next, expected) => {
    expect(wanted(latest, next)).toBe(expected);
  });
});
