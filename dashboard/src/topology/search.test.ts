import { describe, expect, it } from "vitest";
import { generateTopology } from "./fixture.js";
import { toGraph } from "./graph.js";
import { cycle, search } from "./search.js";

const t = generateTopology(20);

describe("search", () => {
  it("finds nodes by a part of their name, any case, in drawing order", () => {
    const hits = search(toGraph(t), "COMP-0007-7D9F8-");
    expect(hits).toEqual([
      { id: "pod:app-000-comp-0007-7d9f8-abcde" },
      { id: "pod:app-000-comp-0007-7d9f8-fghij" },
    ]);
    expect(search(toGraph(t), "comp-0012").map((h) => h.id)).toEqual([
      "component:app-001/comp-0012",
      "deployment:app-001-comp-0012",
      "replicaset:app-001-comp-0012-7d9f8",
      "pod:app-001-comp-0012-7d9f8-abcde",
      "pod:app-001-comp-0012-7d9f8-fghij",
      "service:app-001-comp-0012",
    ]);
  });

  it("finds nothing for an empty query or an unknown name", () => {
    expect(search(toGraph(t), "  ")).toEqual([]);
    expect(search(toGraph(t), "nope")).toEqual([]);
  });

  it("finds pods folded into their ReplicaSet's pods node, saying which to unfold", () => {
    const hits = search(toGraph(t, {}, { pods: true }), "comp-0003-7d9f8-fghij");
    expect(hits).toEqual([
      {
        id: "pod:app-000-comp-0003-7d9f8-fghij",
        folded: {
          group: "pods:app-000-comp-0003-7d9f8",
          replicaSet: "replicaset:app-000-comp-0003-7d9f8",
        },
      },
    ]);
  });

  it("searches only what the filters keep", () => {
    expect(search(toGraph(t, { app: "app-001" }), "comp-0003")).toEqual([]);
  });
});

describe("cycle", () => {
  it.each([
    [-1, 3, 1, 0],
    [0, 3, 1, 1],
    [2, 3, 1, 0],
    [-1, 3, -1, 2],
    [0, 3, -1, 2],
    [0, 0, 1, -1],
  ] as const)("from %i of %i by %i is %i", (index, count, step, next) => {
    expect(cycle(index, count, step)).toBe(next);
  });
});
