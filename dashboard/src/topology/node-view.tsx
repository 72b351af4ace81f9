// One node of the graph: its kind, name, health as icon and words, and a
// detail line. Every string is a text child (names come from Git and the
// cluster), never markup.
import type { TopoNode } from "./graph.js";
import { stateIcon } from "./health.js";
import type { Box } from "./layout.js";

const kindLabel: Record<TopoNode["kind"], string> = {
  system: "System",
  app: "App",
  component: "Component",
  deployment: "Deployment",
  replicaset: "ReplicaSet",
  pod: "Pod",
  pods: "Pods",
  service: "Service",
  ingress: "Ingress",
};

export interface NodeViewProps {
  node: TopoNode;
  box: Box;
  match: boolean;
  current: boolean;
  /** For a `pods` node: unfold it. For an unfolded ReplicaSet: fold it again. */
  onToggle?: () => void;
  folded?: boolean;
}

export function NodeView({ node, box, match, current, onToggle, folded }: NodeViewProps) {
  const health =
    node.status && node.status !== node.state ? `${node.state}: ${node.status}` : node.state;
  const label = `${kindLabel[node.kind]} ${node.name}, ${health}${node.detail ? `, ${node.detail}` : ""}${match ? ", matches the search" : ""}`;
  const classes = [
    "topo-node",
    `topo-kind-${node.kind}`,
    `topo-state-${node.state.toLowerCase()}`,
    match ? "topo-match" : "",
    current ? "topo-current" : "",
  ];
  return (
    <div
      class={classes.filter(Boolean).join(" ")}
      style={{
        left: `${box.x}px`,
        top: `${box.y}px`,
        width: `${box.width}px`,
        height: `${box.height}px`,
      }}
      tabIndex={0}
      data-id={node.id}
      aria-label={label}
      title={`${kindLabel[node.kind]} ${node.name}`}
    >
      <div class="topo-line">
        <span class="topo-name">{node.name}</span>
        {match ? (
          <span class="topo-match-mark" aria-hidden="true">
            ★
          </span>
        ) : null}
      </div>
      <div class="topo-line topo-health">
        <span class="topo-icon" aria-hidden="true">
          {stateIcon[node.state]}
        </span>
        <span class="topo-health-text">{health}</span>
      </div>
      <div class="topo-line topo-detail">
        <span class="topo-kind">{kindLabel[node.kind]}</span>
        <span class="topo-detail-text">{node.detail ?? ""}</span>
        {onToggle ? (
          <button
            type="button"
            class="topo-toggle"
            tabIndex={-1}
            onClick={(e) => {
              e.stopPropagation();
              onToggle();
            }}
          >
            {folded ? "Show pods" : "Fold pods"}
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** A node zoomed out too far to read: its box, its state as a class, and a star when it matches. */
export function MiniNode({ node, box, match }: { node: TopoNode; box: Box; match: boolean }) {
  const classes = `topo-node topo-mini topo-kind-${node.kind} topo-state-${node.state.toLowerCase()}${match ? " topo-match" : ""}`;
  return (
    <div
      class={classes}
      style={{
        left: `${box.x}px`,
        top: `${box.y}px`,
        width: `${box.width}px`,
        height: `${box.height}px`,
      }}
      data-id={node.id}
      aria-hidden="true"
    />
  );
}
