// Positions for a graph, left to right by level. Each component's own tree
// (its Deployments, ReplicaSets, Pods, Services, Ingresses) is laid out by
// @dagrejs/dagre, the layered layout Argo CD draws its resource tree with;
// the levels above (system → apps → components) are a plain tree, so their
// blocks are stacked top to bottom with each parent centred on its children.
//
// Why not one dagre run over everything: at 500 components (≈ 3,100 nodes)
// that takes 1-2 s on this project's 2-core machine (README, "Topology
// graph"), time the page would be frozen for. Laid out per component, and
// remembered by the tree's shape (most components look alike: one
// Deployment, a live ReplicaSet with n pods, a Service), the same graph takes
// a few milliseconds, and a pod starting re-lays out only its component.
import dagre from "@dagrejs/dagre";
import type { TopoGraph } from "./graph.js";

export const nodeWidth = 264;
export const nodeHeight = 58;
/** Between columns (levels). */
const rankGap = 56;
/** Between nodes of one column, and between stacked blocks. */
const nodeGap = 12;
const margin = 16;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  /** Top-left corner and size of each node, by id. */
  boxes: Map<string, Box>;
  /** Each edge as an SVG path with the box it spans, in graph order. */
  paths: { from: string; to: string; d: string; bounds: Box }[];
  width: number;
  height: number;
}

/** A component's tree as dagre placed it: node centres relative to the block's top-left, in DFS order. */
interface Block {
  centres: { x: number; y: number }[];
  height: number;
}

const blocks = new Map<string, Block>();
const layouts = new WeakMap<TopoGraph, Layout>();

/** Forgets the remembered component layouts (for the bench's cold runs). */
export function clearLayoutCache(): void {
  blocks.clear();
}

/** Memoised per graph object (the view memoises the graph per topology and filter). */
export function layout(graph: TopoGraph): Layout {
  let result = layouts.get(graph);
  if (!result) layouts.set(graph, (result = compute(graph)));
  return result;
}

function compute(graph: TopoGraph): Layout {
  const children = new Map<string, string[]>();
  const hasParent = new Set<string>();
  for (const e of graph.edges) {
    let list = children.get(e.from);
    if (!list) children.set(e.from, (list = []));
    list.push(e.to);
    hasParent.add(e.to);
  }
  const kinds = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  const boxes = new Map<string, Box>();
  const column = (depth: number) => margin + depth * (nodeWidth + rankGap);
  let bottom = margin;

  /** Places `id` and its subtree at `depth` from the cursor down; returns its centre y. */
  const place = (id: string, depth: number): number => {
    if (kinds.get(id) === "component") return placeBlock(id, depth);
    const kids = children.get(id) ?? [];
    let centre: number;
    if (kids.length === 0) {
      centre = bottom + nodeHeight / 2;
      bottom += nodeHeight + nodeGap;
    } else {
      const ys = kids.map((k) => place(k, depth + 1));
      centre = (ys[0]! + ys[ys.length - 1]!) / 2;
    }
    boxes.set(id, {
      x: column(depth),
      y: centre - nodeHeight / 2,
      width: nodeWidth,
      height: nodeHeight,
    });
    return centre;
  };

  const placeBlock = (id: string, depth: number): number => {
    const order: string[] = [];
    const shape = walk(id, children, order);
    let block = blocks.get(shape);
    if (!block) blocks.set(shape, (block = dagreBlock(id, order, children)));
    const top = bottom;
    order.forEach((n, i) => {
      const c = block.centres[i]!;
      boxes.set(n, {
        x: column(depth) + c.x - nodeWidth / 2,
        y: top + c.y - nodeHeight / 2,
        width: nodeWidth,
        height: nodeHeight,
      });
    });
    bottom += block.height + nodeGap;
    return top + block.centres[0]!.y;
  };

  for (const n of graph.nodes) if (!hasParent.has(n.id)) place(n.id, 0);

  let width = 0;
  for (const b of boxes.values()) width = Math.max(width, b.x + b.width);
  // Straight from the parent's right side to the child's left side, bent
  // twice: reads as a tree and costs nothing to draw for thousands of edges.
  const paths = graph.edges.map(({ from, to }) => {
    const a = boxes.get(from)!;
    const b = boxes.get(to)!;
    const x1 = a.x + a.width;
    const y1 = a.y + a.height / 2;
    const x2 = b.x;
    const y2 = b.y + b.height / 2;
    const mx = x1 + (x2 - x1) / 2;
    const bounds = { x: x1, y: Math.min(y1, y2), width: x2 - x1, height: Math.abs(y2 - y1) };
    return { from, to, d: `M${x1} ${y1}H${mx}V${y2}H${x2}`, bounds };
  });
  return { boxes, paths, width: width + margin, height: bottom - nodeGap + margin };
}

/** The subtree's node ids in DFS order into `order`; returns its shape, e.g. `((()())())`. */
function walk(id: string, children: Map<string, string[]>, order: string[]): string {
  order.push(id);
  return `(${(children.get(id) ?? []).map((k) => walk(k, children, order)).join("")})`;
}

function dagreBlock(root: string, order: string[], children: Map<string, string[]>): Block {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: nodeGap, ranksep: rankGap, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of order) g.setNode(id, { width: nodeWidth, height: nodeHeight });
  for (const id of order) for (const k of children.get(id) ?? []) g.setEdge(id, k);
  dagre.layout(g);
  const centre = (id: string) => g.node(id) as { x: number; y: number };
  // Make the root's column x = nodeWidth / 2 so blocks line up with the columns above.
  const dx = nodeWidth / 2 - centre(root).x;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const id of order) {
    minY = Math.min(minY, centre(id).y - nodeHeight / 2);
    maxY = Math.max(maxY, centre(id).y + nodeHeight / 2);
  }
  return {
    centres: order.map((id) => ({ x: centre(id).x + dx, y: centre(id).y - minY })),
    height: maxY - minY,
  };
}
