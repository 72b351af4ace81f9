import { describe, expect, it } from "vitest";
import { generateTopology } from "./fixture.js";
import { toGraph } from "./graph.js";
import { type Box, layout, nodeHeight, nodeWidth } from "./layout.js";

const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Sorted by x then y, each box need only be compared with those of its own column. */
function overlaps(boxes: Box[]): [Box, Box][] {
  const found: [Box, Box][] = [];
  const byColumn = new Map<number, Box[]>();
  for (const b of boxes) byColumn.set(b.x, [...(byColumn.get(b.x) ?? []), b]);
  const columns = [...byColumn.keys()].sort((a, b) => a - b);
  for (let i = 1; i < columns.length; i++)
    expect(columns[i]! - columns[i - 1]!).toBeGreaterThanOrEqual(nodeWidth);
  for (const column of byColumn.values()) {
    column.sort((a, b) => a.y - b.y);
    for (let i = 1; i < column.length; i++)
      if (overlap(column[i - 1]!, column[i]!)) found.push([column[i - 1]!, column[i]!]);
  }
  return found;
}

describe("layout", () => {
  it("places every node in its level's column, left to right, with no two boxes overlapping", () => {
    for (const collapse of [{}, { pods: true }, { oldReplicaSets: true }]) {
      const g = toGraph(generateTopology(30), {}, collapse);
      const l = layout(g);
      expect(l.boxes.size).toBe(g.nodes.length);
      const x = (id: string) => l.boxes.get(id)!.x;
      expect(x("system")).toBeLessThan(x("app:app-000"));
      expect(x("app:app-000")).toBeLessThan(x("component:app-000/comp-0000"));
      expect(x("component:app-000/comp-0000")).toBeLessThan(x("deployment:app-000-comp-0000"));
      expect(x("deployment:app-000-comp-0000")).toBeLessThan(
        x("replicaset:app-000-comp-0000-7d9f8"),
      );
      expect(overlaps([...l.boxes.values()])).toEqual([]);
      for (const b of l.boxes.values()) {
        expect([b.width, b.height]).toEqual([nodeWidth, nodeHeight]);
        expect(b.x + b.width).toBeLessThanOrEqual(l.width);
        expect(b.y + b.height).toBeLessThanOrEqual(l.height);
      }
      expect(l.paths).toHaveLength(g.edges.length);
    }
  });

  it("centres a parent on its children", () => {
    const l = layout(toGraph(generateTopology(10)));
    const centre = (id: string) => l.boxes.get(id)!.y + nodeHeight / 2;
    expect(centre("app:app-000")).toBe(
      (centre("component:app-000/comp-0000") + centre("component:app-000/comp-0009")) / 2,
    );
  });

  it("remembers the layout of a graph", () => {
    const g = toGraph(generateTopology(5));
    expect(layout(g)).toBe(layout(g));
  });

  it("lays out 500 components (about 3,000 nodes)", () => {
    const g = toGraph(generateTopology(500));
    expect(g.nodes.length).toBeGreaterThan(3000);
    const l = layout(g);
    expect(l.boxes.size).toBe(g.nodes.length);
    expect(overlaps([...l.boxes.values()])).toEqual([]);
  });
});
