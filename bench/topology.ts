// Layout time of the dashboard's topology graph at 500 components (issue 13):
// toGraph, then layout cold (nothing remembered) and after a live update (one
// pod more: the other components' layouts are remembered), beside one dagre
// run over the whole graph in the same run, the way a naive use of dagre
// would lay it out. Medians; no test asserts on them.
import dagre from "@dagrejs/dagre";
import { generateTopology } from "../dashboard/src/topology/fixture.js";
import { toGraph, type TopoGraph } from "../dashboard/src/topology/graph.js";
import {
  clearLayoutCache,
  layout,
  nodeHeight,
  nodeWidth,
} from "../dashboard/src/topology/layout.js";

export interface TopologyBenchResult {
  components: number;
  nodes: number;
  toGraphMs: number;
  filterByAppMs: number;
  layoutColdMs: number;
  layoutAfterUpdateMs: number;
  /** One dagre layout over the whole graph. */
  baselineWholeDagreMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function time(runs: number, fn: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

function wholeDagre(graph: TopoGraph): void {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 12, ranksep: 56 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { width: nodeWidth, height: nodeHeight });
  for (const e of graph.edges) g.setEdge(e.from, e.to);
  dagre.layout(g);
}

export function topologyBench(components = 500, runs = 5): TopologyBenchResult {
  const topology = generateTopology(components);
  const graph = toGraph(topology);
  const toGraphMs = time(runs, () => toGraph(topology));
  const filterByAppMs = time(runs, () => toGraph(topology, { app: "app-007" }));
  const layoutColdMs = time(runs, () => {
    clearLayoutCache();
    layout(toGraph(topology));
  });
  // A pod starts: one ReplicaSet gains a pod; every other component's layout is remembered.
  const layoutAfterUpdateMs = time(runs, () => {
    const next = structuredClone(topology);
    const rs = next.apps[3]!.components[4]!.deployments[0]!.replicaSets[0]!;
    rs.pods.push({
      name: `${rs.name}-new${Math.random()}`,
      phase: "Pending",
      ready: false,
      restarts: 0,
    });
    layout(toGraph(next));
  });
  const baselineWholeDagreMs = time(Math.min(runs, 3), () => wholeDagre(graph));
  return {
    components,
    nodes: graph.nodes.length,
    toGraphMs,
    filterByAppMs,
    layoutColdMs,
    layoutAfterUpdateMs,
    baselineWholeDagreMs,
  };
}

export function formatTopologyBench(r: TopologyBenchResult): string {
  const ms = (n: number) => `${n.toFixed(1)} ms`.padStart(10);
  return [
    "",
    `Topology graph layout, ${r.components} components (${r.nodes} nodes), median`,
    `  toGraph                       ${ms(r.toGraphMs)}`,
    `  toGraph, filtered by one app  ${ms(r.filterByAppMs)}`,
    `  layout, cold                  ${ms(r.layoutColdMs)}   baseline: one dagre run over the whole graph ${ms(r.baselineWholeDagreMs).trim()}`,
    `  layout after a pod starts     ${ms(r.layoutAfterUpdateMs)}   (toGraph included)`,
  ].join("\n");
}
