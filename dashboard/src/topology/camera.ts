// Pan and zoom as plain numbers: the view keeps one Camera and draws the
// graph with `translate(x, y) scale(k)`. Pure, so every gesture (drag,
// wheel, pinch, arrow keys, buttons, fit, focus a node) is a tested function.
import type { Box } from "./layout.js";

export interface Camera {
  x: number;
  y: number;
  k: number;
}

export interface Size {
  width: number;
  height: number;
}

export const minScale = 0.02;
export const maxScale = 2.5;

const clamp = (k: number) => Math.min(maxScale, Math.max(minScale, k));

/** Zoom by `factor` keeping the graph point under `at` (viewport pixels) where it is. */
export function zoomAt(c: Camera, factor: number, at: { x: number; y: number }): Camera {
  const k = clamp(c.k * factor);
  const f = k / c.k;
  return { k, x: at.x - (at.x - c.x) * f, y: at.y - (at.y - c.y) * f };
}

export function panBy(c: Camera, dx: number, dy: number): Camera {
  return { ...c, x: c.x + dx, y: c.y + dy };
}

/** The whole graph in view, centred, never larger than 1:1. */
export function fit(graph: Size, view: Size): Camera {
  if (graph.width === 0 || graph.height === 0 || view.width === 0 || view.height === 0)
    return { x: 0, y: 0, k: 1 };
  const k = clamp(Math.min(view.width / graph.width, view.height / graph.height, 1));
  return { k, x: (view.width - graph.width * k) / 2, y: (view.height - graph.height * k) / 2 };
}

/** The graph's top-left at 1:1 (or as large as its width allows): where a person starts reading. */
export function start(graph: Size, view: Size): Camera {
  const k = clamp(Math.min(1, graph.width > 0 ? view.width / graph.width : 1));
  return { k: Math.max(k, 0.5), x: 0, y: 0 };
}

/** Whether `box` (graph coordinates) lies wholly inside the view. */
export function inView(c: Camera, box: Box, view: Size): boolean {
  const x = c.x + box.x * c.k;
  const y = c.y + box.y * c.k;
  return (
    x >= 0 && y >= 0 && x + box.width * c.k <= view.width && y + box.height * c.k <= view.height
  );
}

/** `box` centred in the view, zoomed in to at least `minK` so its text is readable. */
export function centreOn(c: Camera, box: Box, view: Size, minK = 0.8): Camera {
  const k = Math.max(c.k, minK);
  return {
    k,
    x: view.width / 2 - (box.x + box.width / 2) * k,
    y: view.height / 2 - (box.y + box.height / 2) * k,
  };
}

/** Where a graph opens: fitted when it stays readable that way, else its top-left. */
export function overview(graph: Size, view: Size): Camera {
  const fitted = fit(graph, view);
  return fitted.k >= 0.5 ? fitted : start(graph, view);
}
