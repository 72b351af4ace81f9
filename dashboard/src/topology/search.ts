// Search by name over what the graph draws and over the pods folded into a
// `pods` node, so a folded pod is still found (the view unfolds it to focus it).
import type { TopoGraph } from "./graph.js";

export interface Hit {
  /** The node to focus. */
  id: string;
  /** When that node is folded: the `pods` node it is folded into, and the ReplicaSet to unfold. */
  folded?: { group: string; replicaSet: string };
}

/** Nodes whose name holds `query` (case-insensitive), in drawing order. */
export function search(graph: TopoGraph, query: string): Hit[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const hits: Hit[] = [];
  for (const n of graph.nodes) {
    if (n.members) {
      const replicaSet = `replicaset:${n.id.slice("pods:".length)}`;
      for (const m of n.members)
        if (m.name.toLowerCase().includes(q))
          hits.push({ id: m.id, folded: { group: n.id, replicaSet } });
    } else if (n.name.toLowerCase().includes(q)) hits.push({ id: n.id });
  }
  return hits;
}

/** The hit after (or before, `step` -1) the one at `index`, wrapping around. */
export function cycle(index: number, count: number, step: 1 | -1 = 1): number {
  if (count === 0) return -1;
  if (index < 0) return step === 1 ? 0 : count - 1;
  return (index + step + count) % count;
}
