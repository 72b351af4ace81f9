import { describe, expect, it } from "vitest";
import type { Topology } from "../../../schemas/api/topology.js";
import { generateTopology } from "./fixture.js";
import { componentState, toGraph, type TopoGraph } from "./graph.js";

const small = generateTopology(20);
const ids = (g: TopoGraph, kind?: string) =>
  g.nodes.filter((n) => !kind || n.kind === kind).map((n) => n.id);
const parentOf = (g: TopoGraph, id: string) => g.edges.find((e) => e.to === id)?.from;

describe("toGraph", () => {
  it("draws every level: system → app → component → Deployment → ReplicaSet → Pod", () => {
    const g = toGraph(small);
    expect(ids(g, "system")).toEqual(["system"]);
    expect(ids(g, "app")).toEqual(["app:app-000", "app:app-001"]);
    expect(ids(g, "component")).toHaveLength(20);
    expect(ids(g, "deployment")).toHaveLength(20);
    // The older ReplicaSet (scaled to zero, no pods) is counted, not drawn.
    expect(ids(g, "replicaset")).toHaveLength(20);
    expect(ids(g, "pod")).toHaveLength(40);
    const pod = "pod:app-000-comp-0000-7d9f8-abcde";
    const chain = [pod];
    for (let id = parentOf(g, pod); id; id = parentOf(g, id)) chain.push(id);
    expect(chain.reverse()).toEqual([
      "system",
      "app:app-000",
      "component:app-000/comp-0000",
      "deployment:app-000-comp-0000",
      "replicaset:app-000-comp-0000-7d9f8",
      pod,
    ]);
    expect(g.nodes.find((n) => n.id === "deployment:app-000-comp-0000")?.detail).toContain(
      "+1 older ReplicaSet",
    );
  });

  it("attaches Services and Ingresses to their component, loose Ingresses to the system", () => {
    const g = toGraph(small);
    expect(parentOf(g, "service:app-000-comp-0003")).toBe("component:app-000/comp-0003");
    expect(parentOf(g, "ingress:app-000-comp-0000-ingress")).toBe("component:app-000/comp-0000");
    expect(parentOf(g, "ingress:prod-routing")).toBe("system");
    const svc = g.nodes.find((n) => n.id === "service:app-000-comp-0003")!;
    expect([svc.status, svc.detail]).toEqual(["ClusterIP", "port 80"]);
  });

  it("gives every node a state and words for it", () => {
    const g = toGraph(small);
    for (const n of g.nodes)
      expect(n.state).toMatch(/^(Pending|Progressing|Ready|Degraded|Failed)$/);
    const crashing = g.nodes.find((n) => n.id === "pod:app-000-comp-0007-7d9f8-fghij")!;
    expect([crashing.state, crashing.status]).toEqual([
      "Degraded",
      "Running, not ready, 12 restarts",
    ]);
    expect(g.nodes.find((n) => n.id === "component:app-000/comp-0007")?.state).toBe("Degraded");
    expect(g.nodes.find((n) => n.id === "app:app-000")?.status).toBe(
      "1 degraded, 9 ready of 10 components",
    );
    expect(g.nodes.find((n) => n.id === "system")?.state).toBe("Degraded");
  });

  it("draws older ReplicaSets when asked", () => {
    const g = toGraph(small, {}, { oldReplicaSets: true });
    expect(ids(g, "replicaset")).toHaveLength(40);
  });

  it("keeps one app's components when filtered by app", () => {
    const g = toGraph(small, { app: "app-001" });
    expect(ids(g, "app")).toEqual(["app:app-001"]);
    expect(g.nodes.filter((n) => n.app && n.app !== "app-001")).toEqual([]);
    expect(ids(g, "component")).toHaveLength(10);
    // The platform's own Ingresses belong to no app.
    expect(ids(g, "ingress")).toEqual(["ingress:app-001-comp-0010-ingress"]);
  });

  it("keeps the components in a state, with everything under them, when filtered by state", () => {
    const g = toGraph(small, { state: "Degraded" });
    expect(ids(g, "component")).toEqual(["component:app-000/comp-0007"]);
    expect(ids(g, "pod")).toHaveLength(2);
    expect(ids(g, "app")).toEqual(["app:app-000"]);
    expect(ids(g, "service")).toEqual(["service:app-000-comp-0007"]);
    expect(toGraph(small, { state: "Failed" }).nodes.map((n) => n.id)).toEqual(["system"]);
    expect(ids(toGraph(small, { app: "app-001", state: "Progressing" }), "component")).toEqual([
      "component:app-001/comp-0013",
    ]);
    expect(ids(toGraph(small, { app: "app-000", state: "Progressing" }), "component")).toEqual([]);
  });

  it("folds each ReplicaSet's pods into one node, unless that ReplicaSet is unfolded", () => {
    const rs = "replicaset:app-000-comp-0007-7d9f8";
    const folded = toGraph(small, {}, { pods: true });
    expect(ids(folded, "pod")).toEqual([]);
    const group = folded.nodes.find((n) => n.id === "pods:app-000-comp-0007-7d9f8")!;
    expect(parentOf(folded, group.id)).toBe(rs);
    expect([group.name, group.state, group.status]).toEqual([
      "2 pods",
      "Degraded",
      "1 degraded, 1 ready of 2 pods",
    ]);
    expect(group.members?.map((m) => m.id)).toEqual([
      "pod:app-000-comp-0007-7d9f8-abcde",
      "pod:app-000-comp-0007-7d9f8-fghij",
    ]);
    const one = toGraph(small, {}, { pods: true, expanded: new Set([rs]) });
    expect(ids(one, "pod")).toEqual([
      "pod:app-000-comp-0007-7d9f8-abcde",
      "pod:app-000-comp-0007-7d9f8-fghij",
    ]);
    expect(ids(one, "pods")).toHaveLength(19);
  });

  it("says Pending for a component with no Deployment yet", () => {
    const t: Topology = {
      ...small,
      apps: [
        { name: "a", components: [{ name: "c", deployments: [], services: [], ingresses: [] }] },
      ],
    };
    expect(componentState(t.apps[0]!.components[0]!)).toBe("Pending");
    expect(toGraph(t).nodes.find((n) => n.kind === "component")?.status).toBe("no Deployment");
  });
});
