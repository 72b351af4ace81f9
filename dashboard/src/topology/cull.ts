// What to put in the DOM: only the nodes and edges near the view. At 500
// components the graph holds about 3,100 nodes and as many edges; drawing
// them all made the first paint take seconds and every zoom re-raster them
// all. The window is snapped to half-view steps and reaches one view beyond
// each side, so a pan re-renders only when it crosses a step.
import type { Camera, Size } from "./camera.js";
import type { Box, Layout } from "./layout.js";

/** Below this scale names are unreadable: nodes are drawn as bare boxes. */
export const textScale = 0.4;

/** The part of the graph (graph coordinates) worth drawing for this camera and view. */
export function drawWindow(c: Camera, view: Size): Box {
  const stepX = view.width / c.k / 2;
  const stepY = view.height / c.k / 2;
  if (!(stepX > 0 && stepY > 0)) return { x: 0, y: 0, width: 0, height: 0 };
  const qx = Math.floor(-c.x / c.k / stepX);
  const qy = Math.floor(-c.y / c.k / stepY);
  return { x: (qx - 2) * stepX, y: (qy - 2) * stepY, width: 7 * stepX, height: 7 * stepY };
}

export const windowKey = (w: Box) => `${w.x},${w.y},${w.width},${w.height}`;

const meets = (a: Box, b: Box) =>
  a.x <= b.x + b.width && b.x <= a.x + a.width && a.y <= b.y + b.height && b.y <= a.y + a.height;

/** Ids of the nodes and indexes of the edges that meet `window`, plus `keep` (the focused node). */
export function visible(
  placed: Layout,
  window: Box,
  keep?: string,
): { nodes: Set<string>; paths: number[] } {
  const nodes = new Set<string>();
  for (const [id, box] of placed.boxes) if (meets(box, window) || id === keep) nodes.add(id);
  const paths: number[] = [];
  placed.paths.forEach((p, i) => {
    if (meets(p.bounds, window)) paths.push(i);
  });
  return { nodes, paths };
}
