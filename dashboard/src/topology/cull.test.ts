import { describe, expect, it } from "vitest";
import { drawWindow, visible } from "./cull.js";
import { generateTopology } from "./fixture.js";
import { toGraph } from "./graph.js";
import { layout } from "./layout.js";

const view = { width: 1000, height: 800 };

describe("drawWindow", () => {
  it("covers the view and one view beyond it on every side", () => {
    const w = drawWindow({ x: -5000, y: -12000, k: 1 }, view);
    // The view shows graph x 5000..6000, y 12000..12800.
    expect(w.x).toBeLessThanOrEqual(5000 - 1000);
    expect(w.y).toBeLessThanOrEqual(12000 - 800);
    expect(w.x + w.width).toBeGreaterThanOrEqual(6000 + 1000);
    expect(w.y + w.height).toBeGreaterThanOrEqual(12800 + 800);
  });

  it("stays the same for small pans, so nothing re-renders", () => {
    expect(drawWindow({ x: -5000, y: -12000, k: 1 }, view)).toEqual(
      drawWindow({ x: -5100, y: -12100, k: 1 }, view),
    );
  });

  it("scales with the zoom", () => {
    expect(drawWindow({ x: 0, y: 0, k: 0.5 }, view).width).toBe(
      2 * drawWindow({ x: 0, y: 0, k: 1 }, view).width,
    );
  });
});

describe("visible", () => {
  const g = toGraph(generateTopology(500));
  const placed = layout(g);

  it("keeps only what is near the view", () => {
    const { nodes, paths } = visible(placed, drawWindow({ x: 0, y: 0, k: 1 }, view));
    expect(nodes.size).toBeGreaterThan(10);
    expect(nodes.size).toBeLessThan(200);
    expect(nodes.has("component:app-000/comp-0000")).toBe(true);
    expect(nodes.has("component:app-049/comp-0499")).toBe(false);
    expect(paths.length).toBeLessThan(250);
  });

  it("keeps the node that has focus wherever it is", () => {
    const far = "pod:app-049-comp-0499-7d9f8-abcde";
    expect(visible(placed, drawWindow({ x: 0, y: 0, k: 1 }, view), far).nodes.has(far)).toBe(true);
  });

  it("keeps everything when the whole graph is in view", () => {
    const { nodes, paths } = visible(placed, {
      x: 0,
      y: 0,
      width: placed.width,
      height: placed.height,
    });
    expect(nodes.size).toBe(g.nodes.length);
    expect(paths).toHaveLength(g.edges.length);
  });
});
