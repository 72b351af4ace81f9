import { describe, expect, it } from "vitest";
import { centreOn, fit, inView, maxScale, minScale, overview, panBy, zoomAt } from "./camera.js";

const view = { width: 1000, height: 500 };

describe("camera", () => {
  it("zooms about a point, keeping the graph point under it in place", () => {
    const c = zoomAt({ x: 10, y: 20, k: 1 }, 2, { x: 110, y: 220 });
    expect(c).toEqual({ x: -90, y: -180, k: 2 });
    // Graph point under (110, 220) before: (100, 200); after: same.
    expect([(110 - c.x) / c.k, (220 - c.y) / c.k]).toEqual([100, 200]);
  });

  it("keeps the scale within bounds", () => {
    expect(zoomAt({ x: 0, y: 0, k: 1 }, 1000, { x: 0, y: 0 }).k).toBe(maxScale);
    expect(zoomAt({ x: 0, y: 0, k: 1 }, 0.0001, { x: 0, y: 0 }).k).toBe(minScale);
  });

  it("pans", () => {
    expect(panBy({ x: 1, y: 2, k: 3 }, 10, -5)).toEqual({ x: 11, y: -3, k: 3 });
  });

  it("fits a graph, centred, never above 1:1", () => {
    expect(fit({ width: 2000, height: 500 }, view)).toEqual({ k: 0.5, x: 0, y: 125 });
    expect(fit({ width: 100, height: 100 }, view)).toEqual({ k: 1, x: 450, y: 200 });
  });

  it("opens a tall graph at its top-left, a small one fitted", () => {
    expect(overview({ width: 1800, height: 90_000 }, view)).toEqual({
      k: 0.5555555555555556,
      x: 0,
      y: 0,
    });
    expect(overview({ width: 100, height: 100 }, view)).toEqual({ k: 1, x: 450, y: 200 });
  });

  it("centres on a box, zooming in to read it", () => {
    const box = { x: 1000, y: 2000, width: 240, height: 56 };
    const c = centreOn({ x: 0, y: 0, k: 0.1 }, box, view);
    expect(c.k).toBe(0.8);
    expect(inView(c, box, view)).toBe(true);
    expect(inView({ x: 0, y: 0, k: 1 }, box, view)).toBe(false);
  });
});
