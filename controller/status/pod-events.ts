// Pod lifecycle for the events stream (issue 6): what changed between the last
// state we saw of a pod and the new one. Pure; the view keeps the last states.
import type { V1Pod } from "@kubernetes/client-node";
import { podReady, podRestarts, topologyLabels } from "./topology.js";
import type { PodChange, PodEventData } from "../../webhooks/api/types.js";

/** What we remember of a pod between watch events. */
export interface PodMemory {
  ready: boolean;
  restarts: number;
}

export function podMemory(pod: V1Pod): PodMemory {
  return { ready: podReady(pod), restarts: podRestarts(pod) };
}

/**
 * The changes from `before` (undefined: not seen yet) to `pod` (after a
 * delete, the last state). A pod can be created ready, or restart and turn
 * ready again between two events: each change is reported once.
 */
export function podChanges(
  type: "add" | "update" | "delete",
  before: PodMemory | undefined,
  pod: V1Pod,
): PodChange[] {
  if (type === "delete") return ["deleted"];
  const now = podMemory(pod);
  const changes: PodChange[] = [];
  if (!before) changes.push("created");
  if (before && now.restarts > before.restarts) changes.push("restarted");
  if (now.ready && !before?.ready) changes.push("ready");
  return changes;
}

export function podEvent(change: PodChange, pod: V1Pod, time: string): PodEventData {
  const labels = pod.metadata?.labels ?? {};
  const optional = {
    platform: labels["kubefox.io/platform"],
    app: labels[topologyLabels.app],
    component: labels[topologyLabels.component],
    ref: pod.metadata?.annotations?.[topologyLabels.ref],
    commit: labels[topologyLabels.commit],
    node: pod.spec?.nodeName,
  };
  return {
    time,
    change,
    namespace: pod.metadata?.namespace ?? "",
    name: pod.metadata?.name ?? "",
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined && v !== "")),
    phase: pod.status?.phase ?? "Unknown",
    ready: podReady(pod),
    restarts: podRestarts(pod),
  };
}
