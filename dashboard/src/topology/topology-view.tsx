// The topology page's graph: a toolbar (filter by app and state, search,
// zoom, folding) over a viewport that pans and zooms a laid-out graph.
// Layout is memoised per graph, the graph per topology and filter, and the
// node layer per graph and search, so a drag or a zoom only moves one
// transform and never re-renders thousands of nodes.
import type {
  TargetedFocusEvent,
  TargetedKeyboardEvent,
  TargetedPointerEvent,
  TargetedWheelEvent,
} from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Topology } from "../../../schemas/api/topology.js";
import { type State, states } from "../../../schemas/status/state.js";
import {
  type Camera,
  centreOn,
  fit,
  inView,
  overview,
  panBy,
  type Size,
  zoomAt,
} from "./camera.js";
import { drawWindow, textScale, visible, windowKey } from "./cull.js";
import { toGraph, type TopoGraph } from "./graph.js";
import { type Layout, layout } from "./layout.js";
import { MiniNode, NodeView } from "./node-view.js";
import { cycle, search } from "./search.js";
import "./topology.css";

export interface TopologyViewProps {
  topology: Topology;
  platform: string;
}

/** Above this many pods, each ReplicaSet's pods start folded into one node. */
const foldPodsAbove = 2000;
const panStep = 64;
const zoomStep = 1.25;

export function TopologyView({ topology, platform }: TopologyViewProps) {
  const [app, setApp] = useState("");
  const [state, setState] = useState<State | "">("");
  const [query, setQuery] = useState("");
  const [hitIndex, setHitIndex] = useState(-1);
  const [foldPods, setFoldPods] = useState(() => countPods(topology) > foldPodsAbove);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const [oldReplicaSets, setOldReplicaSets] = useState(false);
  const [camera, setCamera] = useState<Camera>({ x: 0, y: 0, k: 1 });
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  const [focusId, setFocusId] = useState<string | null>(null);
  /** The node that has focus: kept in the DOM wherever the view goes. */
  const [focused, setFocused] = useState<string | undefined>(undefined);
  const viewport = useRef<HTMLDivElement>(null);
  const searchBox = useRef<HTMLInputElement>(null);
  const pointers = useRef(new Map<number, { x: number; y: number }>());

  const graph = useMemo(
    () =>
      toGraph(
        topology,
        { ...(app ? { app } : {}), ...(state ? { state } : {}) },
        { pods: foldPods, expanded, oldReplicaSets },
      ),
    [topology, app, state, foldPods, expanded, oldReplicaSets],
  );
  const placed = useMemo(() => layout(graph), [graph]);
  const hits = useMemo(() => search(graph, query), [graph, query]);
  const current = hits[hitIndex];
  const matches = useMemo(() => new Set(hits.map((h) => h.folded?.group ?? h.id)), [hits]);
  const apps = useMemo(() => topology.apps.map((a) => a.name), [topology]);

  // The viewport's size, kept current.
  useLayoutEffect(() => {
    const el = viewport.current!;
    const observer = new ResizeObserver(() =>
      setSize({ width: el.clientWidth, height: el.clientHeight }),
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // A new platform or filter opens on its overview; a live update or unfolding keeps the view.
  const ready = size.width > 0;
  useLayoutEffect(() => {
    if (ready) setCamera(overview(placed, size));
    // Only these change what is looked at: not the layout, not the size.
  }, [platform, app, state, ready]);

  // Focus a node (a search step, an unfolding): bring it into view, then focus it once drawn.
  useEffect(() => {
    if (!focusId) return;
    const box = placed.boxes.get(focusId);
    // Filtered away meanwhile: forget it rather than jump to it when it comes back.
    if (!box) return setFocusId(null);
    if (!inView(camera, box, size) || camera.k < textScale) {
      setCamera((c) => centreOn(c, box, size));
      return;
    }
    const el = nodeElement(viewport.current, focusId);
    if (!el) return;
    setFocusId(null);
    el.focus({ preventScroll: true });
  }, [focusId, placed, size, camera]);

  const mini = camera.k < textScale;
  const area = drawWindow(camera, size);
  const key = windowKey(area);
  const shown = useMemo(
    () => visible(placed, area, focused),
    // The window's key stands for the window: a pan within a step changes nothing.
    [placed, key, focused],
  );

  const nodes = useMemo(
    () => (
      <NodeLayer
        graph={graph}
        placed={placed}
        shown={shown}
        mini={mini}
        matches={matches}
        current={current?.id}
        foldPods={foldPods}
        expanded={expanded}
        onToggle={(replicaSet, firstPod) => {
          const next = new Set(expanded);
          if (next.has(replicaSet)) {
            next.delete(replicaSet);
            setFocusId(`pods:${replicaSet.slice("replicaset:".length)}`);
          } else {
            next.add(replicaSet);
            if (firstPod) setFocusId(firstPod);
          }
          setExpanded(next);
        }}
      />
    ),
    [graph, placed, shown, mini, matches, current, foldPods, expanded],
  );

  const goTo = (step: 1 | -1) => {
    const index = cycle(hitIndex, hits.length, step);
    const hit = hits[index];
    if (!hit) return;
    setHitIndex(index);
    if (hit.folded && !expanded.has(hit.folded.replicaSet))
      setExpanded(new Set([...expanded, hit.folded.replicaSet]));
    setFocusId(hit.id);
  };
  const zoom = (factor: number) =>
    setCamera((c) => zoomAt(c, factor, { x: size.width / 2, y: size.height / 2 }));

  const onKeyDown = (e: TargetedKeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? panStep * 4 : panStep;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [step, 0],
      ArrowRight: [-step, 0],
      ArrowUp: [0, step],
      ArrowDown: [0, -step],
    };
    const move = moves[e.key];
    if (move) setCamera((c) => panBy(c, move[0], move[1]));
    else if (e.key === "+" || e.key === "=") zoom(zoomStep);
    else if (e.key === "-") zoom(1 / zoomStep);
    else if (e.key === "0") setCamera(fit(placed, size));
    else if (e.key === "Escape") searchBox.current?.focus();
    else if (e.key === "Enter" || e.key === " ") {
      const target = e.target as HTMLElement;
      const toggle = target.querySelector?.(":scope > .topo-detail > .topo-toggle");
      if (toggle instanceof HTMLButtonElement) toggle.click();
      // Enter on the search's current node steps on to the next match.
      else if (e.key === "Enter" && current && target.dataset?.id === current.id)
        goTo(e.shiftKey ? -1 : 1);
      else return;
    } else return;
    e.preventDefault();
  };

  const onPointerDown = (e: TargetedPointerEvent<HTMLDivElement>) => {
    if ((e.target as HTMLElement).closest("button")) return;
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: TargetedPointerEvent<HTMLDivElement>) => {
    const all = pointers.current;
    const last = all.get(e.pointerId);
    if (!last) return;
    const now = { x: e.clientX, y: e.clientY };
    if (all.size === 1) {
      setCamera((c) => panBy(c, now.x - last.x, now.y - last.y));
    } else if (all.size === 2) {
      // Pinch: zoom by how much the two fingers' distance changed, about their midpoint.
      const other = [...all].find(([id]) => id !== e.pointerId)![1];
      const before = Math.hypot(last.x - other.x, last.y - other.y);
      const after = Math.hypot(now.x - other.x, now.y - other.y);
      const rect = e.currentTarget.getBoundingClientRect();
      const at = { x: (now.x + other.x) / 2 - rect.left, y: (now.y + other.y) / 2 - rect.top };
      if (before > 0) setCamera((c) => zoomAt(c, after / before, at));
    }
    all.set(e.pointerId, now);
  };
  const onPointerUp = (e: TargetedPointerEvent<HTMLDivElement>) => {
    pointers.current.delete(e.pointerId);
  };
  const onWheel = (e: TargetedWheelEvent<HTMLDivElement>) => {
    e.preventDefault();
    const rect = e.currentTarget.getBoundingClientRect();
    const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.002));
    setCamera((c) => zoomAt(c, factor, { x: e.clientX - rect.left, y: e.clientY - rect.top }));
  };
  // Tabbing to a node outside the view brings it into view.
  const onFocusIn = (e: TargetedFocusEvent<HTMLDivElement>) => {
    const id = (e.target as HTMLElement).dataset?.id;
    setFocused(id);
    const box = id ? placed.boxes.get(id) : undefined;
    if (box && !inView(camera, box, size)) setCamera((c) => centreOn(c, box, size, c.k));
  };

  const hitText = query.trim()
    ? hits.length === 0
      ? "no match"
      : `${current ? hitIndex + 1 : 0} of ${hits.length}`
    : "";
  const transform = `translate(${camera.x}px, ${camera.y}px) scale(${camera.k})`;

  return (
    <section class="topo" aria-label={`Topology of platform ${platform}`}>
      <div class="topo-toolbar" role="toolbar" aria-label="Topology view">
        <label class="topo-field">
          <span>App</span>
          <select aria-label="App" value={app} onChange={(e) => setApp(e.currentTarget.value)}>
            <option value="">All apps</option>
            {apps.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label class="topo-field">
          <span>State</span>
          <select
            aria-label="State"
            value={state}
            onChange={(e) => setState(e.currentTarget.value as State | "")}
          >
            <option value="">All states</option>
            {states.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label class="topo-field topo-search">
          <span>Search</span>
          <input
            ref={searchBox}
            type="search"
            aria-label="Search by name"
            value={query}
            placeholder="name, Enter for next"
            onInput={(e) => {
              setQuery(e.currentTarget.value);
              setHitIndex(-1);
            }}
            onKeyDown={(e) => {
              if (e.key !== "Enter") return;
              e.preventDefault();
              goTo(e.shiftKey ? -1 : 1);
            }}
          />
        </label>
        <span class="topo-hits" role="status" aria-live="polite">
          {hitText}
        </span>
        <span class="topo-zoom">
          <button type="button" aria-label="Zoom in" onClick={() => zoom(zoomStep)}>
            +
          </button>
          <button type="button" aria-label="Zoom out" onClick={() => zoom(1 / zoomStep)}>
            −
          </button>
          <button type="button" onClick={() => setCamera(fit(placed, size))}>
            Fit
          </button>
        </span>
        <label class="topo-check">
          <input
            type="checkbox"
            checked={foldPods}
            onChange={(e) => {
              setFoldPods(e.currentTarget.checked);
              setExpanded(new Set());
            }}
          />
          <span>Fold pods</span>
        </label>
        <label class="topo-check">
          <input
            type="checkbox"
            checked={oldReplicaSets}
            onChange={(e) => setOldReplicaSets(e.currentTarget.checked)}
          />
          <span>Older ReplicaSets</span>
        </label>
      </div>
      <div
        ref={viewport}
        class="topo-viewport"
        tabIndex={0}
        aria-label="Graph: drag or arrow keys to pan, wheel, pinch or + and − to zoom, 0 to fit, Tab through nodes, Enter for the next search match, Escape back to search"
        onKeyDown={onKeyDown}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onWheel={onWheel}
        onFocusIn={onFocusIn}
        onFocusOut={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocused(undefined);
        }}
      >
        <div
          class="topo-world"
          style={{ transform, width: `${placed.width}px`, height: `${placed.height}px` }}
        >
          {nodes}
        </div>
        {graph.nodes.length <= 1 ? <p class="topo-empty">Nothing matches these filters.</p> : null}
      </div>
    </section>
  );
}

interface NodeLayerProps {
  graph: TopoGraph;
  placed: Layout;
  shown: { nodes: ReadonlySet<string>; paths: number[] };
  /** Zoomed out too far to read: bare boxes, no text. */
  mini: boolean;
  matches: ReadonlySet<string>;
  current: string | undefined;
  foldPods: boolean;
  expanded: ReadonlySet<string>;
  onToggle: (replicaSet: string, firstPod?: string) => void;
}

function NodeLayer({
  graph,
  placed,
  shown,
  mini,
  matches,
  current,
  foldPods,
  expanded,
  onToggle,
}: NodeLayerProps) {
  return (
    <>
      <svg class="topo-edges" width={placed.width} height={placed.height} aria-hidden="true">
        {shown.paths.map((i) => {
          const p = placed.paths[i]!;
          return <path key={`${p.from}>${p.to}`} d={p.d} />;
        })}
      </svg>
      {graph.nodes.map((n) => {
        if (!shown.nodes.has(n.id)) return null;
        const box = placed.boxes.get(n.id)!;
        const isMatch = matches.has(n.id);
        if (mini) return <MiniNode key={n.id} node={n} box={box} match={isMatch} />;
        const isCurrent =
          current === n.id ||
          (current !== undefined && n.members?.some((m) => m.id === current) === true);
        if (n.kind === "pods") {
          const rs = `replicaset:${n.id.slice("pods:".length)}`;
          return (
            <NodeView
              key={n.id}
              node={n}
              box={box}
              match={isMatch}
              current={isCurrent}
              folded
              onToggle={() => onToggle(rs, n.members?.[0]?.id)}
            />
          );
        }
        const unfolded = foldPods && n.kind === "replicaset" && expanded.has(n.id);
        return (
          <NodeView
            key={n.id}
            node={n}
            box={box}
            match={isMatch}
            current={isCurrent}
            {...(unfolded ? { onToggle: () => onToggle(n.id), folded: false } : {})}
          />
        );
      })}
    </>
  );
}

function nodeElement(root: HTMLElement | null, id: string): HTMLElement | null {
  return root?.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"]`) ?? null;
}

function countPods(t: Topology): number {
  let n = 0;
  for (const a of t.apps)
    for (const c of a.components)
      for (const d of c.deployments) for (const rs of d.replicaSets) n += rs.pods.length;
  return n;
}
