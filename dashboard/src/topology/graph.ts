// From the `platform/{name}/topology` answer to the nodes and edges the view
// draws: system → app → component → Deployment → ReplicaSet → Pod, with each
// component's Services and Ingresses beside its Deployments. Pure, so filters
// run without touching the DOM, and the result is what `layout` memoises on.
import type { IngressNode, Topology } from "../../../schemas/api/topology.js";
import type { State } from "../../../schemas/status/state.js";
import { deploymentHealth, type Health, podHealth, replicaSetHealth, worst } from "./health.js";

export type NodeKind =
  | "system"
  | "app"
  | "component"
  | "deployment"
  | "replicaset"
  | "pod"
  | "pods"
  | "service"
  | "ingress";

export interface TopoNode extends Health {
  /** Unique in the graph; stable across filters, so focus and expansion survive them. */
  id: string;
  kind: NodeKind;
  name: string;
  /** A second line: ports, hosts, revision, node. */
  detail?: string;
  app?: string;
  /** For a `pods` node: the pods folded into it, so search still finds them. */
  members?: { id: string; name: string }[];
}

export interface TopoEdge {
  from: string;
  to: string;
}

export interface TopoGraph {
  nodes: TopoNode[];
  edges: TopoEdge[];
}

export interface GraphFilter {
  /** Only this app's components. */
  app?: string;
  /** Only components whose state (their worst object's) is this one. */
  state?: State;
}

export interface Collapse {
  /** Fold each ReplicaSet's pods into one node... */
  pods?: boolean;
  /** ...except those of these ReplicaSets (node ids). */
  expanded?: ReadonlySet<string>;
  /** Draw ReplicaSets scaled to zero with no pods (older revisions); otherwise counted on their Deployment. */
  oldReplicaSets?: boolean;
}

type Component = Topology["apps"][number]["components"][number];

export function toGraph(
  topology: Topology,
  filter: GraphFilter = {},
  collapse: Collapse = {},
): TopoGraph {
  const nodes: TopoNode[] = [];
  const edges: TopoEdge[] = [];
  const add = (node: TopoNode, parent?: string) => {
    nodes.push(node);
    if (parent) edges.push({ from: parent, to: node.id });
  };

  const systemId = "system";
  const system: TopoNode = {
    id: systemId,
    kind: "system",
    name: topology.system,
    detail: `${topology.platform} · ${topology.namespace}`,
    state: "Ready",
    status: "",
  };
  add(system);
  const appStates: State[] = [];

  for (const app of topology.apps) {
    if (filter.app && app.name !== filter.app) continue;
    const shown = app.components
      .map((c) => ({ c, state: componentState(c) }))
      .filter(({ state }) => !filter.state || state === filter.state);
    if (shown.length === 0) continue;
    const appId = `app:${app.name}`;
    const appNode: TopoNode = {
      id: appId,
      kind: "app",
      name: app.name,
      app: app.name,
      state: "Ready",
      status: "",
    };
    add(appNode, systemId);
    for (const { c, state } of shown) addComponent(app.name, appId, c, state);
    appNode.state = worst(shown.map((s) => s.state));
    appNode.status = summary(
      shown.map((s) => s.state),
      "component",
    );
    appStates.push(appNode.state);
  }
  if (!filter.app && (!filter.state || filter.state === "Ready")) {
    for (const ingress of topology.ingresses)
      add(ingressNode(`ingress:${ingress.name}`, ingress), systemId);
  }
  system.state = worst(appStates);
  system.status = summary(appStates, "app");
  return { nodes, edges };

  function addComponent(app: string, appId: string, c: Component, state: State) {
    const id = `component:${app}/${c.name}`;
    const deployments = c.deployments.length;
    add(
      {
        id,
        kind: "component",
        name: c.name,
        app,
        state,
        status: deployments === 0 ? "no Deployment" : state,
        detail: `${deployments} Deployment${deployments === 1 ? "" : "s"}`,
      },
      appId,
    );
    for (const d of c.deployments) {
      const dId = `deployment:${d.name}`;
      const live = d.replicaSets.filter(
        (rs, i) => i === 0 || rs.replicas > 0 || rs.pods.length > 0,
      );
      const old = d.replicaSets.length - live.length;
      const drawn = collapse.oldReplicaSets ? d.replicaSets : live;
      add(
        {
          id: dId,
          kind: "deployment",
          name: d.name,
          app,
          ...deploymentHealth(d),
          detail: [
            d.environment,
            d.ref,
            !collapse.oldReplicaSets && old > 0
              ? `+${old} older ReplicaSet${old === 1 ? "" : "s"}`
              : "",
          ]
            .filter(Boolean)
            .join(" · "),
        },
        id,
      );
      for (const rs of drawn) {
        const rsId = `replicaset:${rs.name}`;
        add(
          {
            id: rsId,
            kind: "replicaset",
            name: rs.name,
            app,
            ...replicaSetHealth(rs),
            detail: rs.revision ? `revision ${rs.revision}` : "",
          },
          dId,
        );
        const pods = rs.pods.map((p) => ({
          id: `pod:${p.name}`,
          kind: "pod" as const,
          name: p.name,
          app,
          ...podHealth(p),
          detail: p.node ?? "not scheduled",
        }));
        if (collapse.pods && pods.length > 0 && !collapse.expanded?.has(rsId)) {
          const states = pods.map((p) => p.state);
          add(
            {
              id: `pods:${rs.name}`,
              kind: "pods",
              name: `${pods.length} pod${pods.length === 1 ? "" : "s"}`,
              app,
              state: worst(states),
              status: summary(states, "pod"),
              members: pods.map((p) => ({ id: p.id, name: p.name })),
            },
            rsId,
          );
        } else for (const p of pods) add(p, rsId);
      }
    }
    for (const s of c.services) {
      const ports = s.ports
        .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}` : `${p.port}`))
        .join(", ");
      add(
        {
          id: `service:${s.name}`,
          kind: "service",
          name: s.name,
          app,
          state: "Ready",
          status: s.type,
          detail: ports ? `port ${ports}` : "",
        },
        id,
      );
    }
    for (const i of c.ingresses) add({ ...ingressNode(`ingress:${i.name}`, i), app }, id);
  }
}

/** A component's state: the worst of its Deployments and everything under them. */
export function componentState(c: Component): State {
  if (c.deployments.length === 0) return "Pending";
  return worst(
    c.deployments.flatMap((d) => [
      deploymentHealth(d).state,
      ...d.replicaSets.map((rs) => replicaSetHealth(rs).state),
    ]),
  );
}

function ingressNode(id: string, i: IngressNode): TopoNode {
  return {
    id,
    kind: "ingress",
    name: i.name,
    state: "Ready",
    status: `${i.hosts.length} host${i.hosts.length === 1 ? "" : "s"}${i.environment ? `, ${i.environment}` : ""}`,
    detail: i.hosts.join(", "),
  };
}

/** `3 ready, 1 degraded of 4 pods`: counts by state, worst first. */
function summary(states: State[], noun: string): string {
  if (states.length === 0) return `no ${noun}s`;
  const counts = new Map<State, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  const order: State[] = ["Failed", "Degraded", "Progressing", "Pending", "Ready"];
  const parts = order
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s.toLowerCase()}`);
  return `${parts.join(", ")} of ${states.length} ${noun}${states.length === 1 ? "" : "s"}`;
}
