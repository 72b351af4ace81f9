// Health of every node of the graph as one of the status contract's states,
// with the text a person reads beside its icon (never colour alone).
import type { DeploymentNode, PodNode, ReplicaSetNode } from "../../../schemas/api/topology.js";
import type { State } from "../../../schemas/status/state.js";

export interface Health {
  state: State;
  /** What the node's own fields say, e.g. `Running, not ready, 3 restarts`. */
  status: string;
}

/** How bad each state is; the same order as the controller's `worst` (controller/status/status.ts). */
const badness: Record<State, number> = {
  Ready: 0,
  Pending: 1,
  Progressing: 2,
  Degraded: 3,
  Failed: 4,
};

export function worst(states: readonly State[]): State {
  return states.reduce<State>((w, s) => (badness[s] > badness[w] ? s : w), "Ready");
}

/** An icon per state: shape and letter differ, so it reads without colour. */
export const stateIcon: Record<State, string> = {
  Ready: "✓",
  Pending: "…",
  Progressing: "↻",
  Degraded: "!",
  Failed: "✕",
};

export function podHealth(pod: PodNode): Health {
  const restarts =
    pod.restarts > 0 ? `, ${pod.restarts} restart${pod.restarts === 1 ? "" : "s"}` : "";
  switch (pod.phase) {
    case "Running":
      if (pod.ready) return { state: "Ready", status: `Running${restarts}` };
      return {
        state: pod.restarts > 0 ? "Degraded" : "Progressing",
        status: `Running, not ready${restarts}`,
      };
    case "Succeeded":
      return { state: "Ready", status: "Succeeded" };
    case "Pending":
      return { state: "Progressing", status: `Pending${restarts}` };
    case "Failed":
      return { state: "Failed", status: `Failed${restarts}` };
    default:
      return { state: "Degraded", status: `${pod.phase}${restarts}` };
  }
}

export function replicaSetHealth(rs: ReplicaSetNode): Health {
  const own: State = rs.readyReplicas >= rs.replicas ? "Ready" : "Progressing";
  const state = worst([own, ...rs.pods.map((p) => podHealth(p).state)]);
  const status = rs.replicas === 0 ? "scaled to 0" : `${rs.readyReplicas}/${rs.replicas} ready`;
  return { state, status };
}

export function deploymentHealth(d: DeploymentNode): Health {
  if (d.state) return { state: d.state, status: `${d.replicas} ready` };
  const [ready, desired] = d.replicas.split("/").map(Number);
  const state: State = (ready ?? 0) >= (desired ?? 0) ? "Ready" : "Progressing";
  return { state, status: `${d.replicas} ready` };
}
