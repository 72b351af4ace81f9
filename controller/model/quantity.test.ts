import { describe, expect, it } from "vitest";
import { parseQuantity } from "./quantity.js";

describe("parseQuantity", () => {
  it.each([
    ["100m", 0.1],
    ["1", 1],
    [2, 2],
    [0.5, 0.5],
    ["0.5", 0.5],
    [".5", 0.5],
    ["64Mi", 64 * 2 ** 20],
    ["1G", 1e9],
    ["1Ki", 1024],
    ["1e3", 1000],
    ["1E-3", 0.001],
    ["128974848", 128974848],
    ["5n", 5e-9],
    ["", undefined],
    ["1.2.3", undefined],
    ["64MB", undefined],
    ["-1", undefined],
    [-1, undefined],
    [Infinity, undefined],
    ["Mi", undefined],
  ])("%j → %s", (q, value) => {
    const got = parseQuantity(q);
    if (value === undefined) expect(got).toBeUndefined();
    else expect(got).toBeCloseTo(value, 12);
  });
});
