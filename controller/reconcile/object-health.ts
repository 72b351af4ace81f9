// The health of any object we apply, by kstatus's published rules
// (sigs.k8s.io/cli-utils, pkg/kstatus/status: status.go `Compute`, generic.go,
// core.go), so a deployment is Ready only when everything it applied is, not
// only its Deployments (issue 15). In order:
// 1. an object not in the cluster is NotFound; one being deleted, Terminating;
// 2. Deployments: our own rule (deployment-health.ts), kept where it differs;
// 3. a metadata.generation the object's controller has not observed yet
//    (status.observedGeneration differs) is InProgress;
// 4. a Reconciling condition that is True is InProgress, a Stalled one Failed
//    (the standard conditions of custom resources);
// 5. the rule of the object's kind, if it has one (kind-health.ts);
// 6. a Ready condition: True is Current, False or Unknown InProgress;
// 7. anything else is Current once it exists.
// kstatus's result maps to our states: Current is Ready; InProgress, Terminating
// and NotFound are Progressing; Failed is Degraded. Pure: `now` is passed in.
import type { KubernetesObject, V1Deployment } from "@kubernetes/client-node";
import { deploymentHealth } from "./deployment-health.js";
import {
  current,
  failed,
  groupKind,
  inProgress,
  kindRule,
  type KStatus,
  type Verdict,
} from "./kind-health.js";
import { conditions, num } from "./object-fields.js";
import type { State } from "../status/status.js";

export interface ObjectHealth {
  /** kstatus's status. */
  status: KStatus;
  /** Ours: what the object adds to its deployment's or release's state. */
  state: State;
  /** The reason of kstatus's Reconciling or Stalled condition, when it sets one. */
  reason?: string;
  /** Why, in kstatus's words (never empty). */
  message: string;
}

const stateOf: Record<KStatus, State> = {
  Current: "Ready",
  InProgress: "Progressing",
  Terminating: "Progressing",
  NotFound: "Progressing",
  Failed: "Degraded",
};

export function objectHealth(obj: KubernetesObject | undefined, now: Date): ObjectHealth {
  const v = verdict(obj, now);
  return {
    status: v.status,
    state: stateOf[v.status],
    ...(v.reason ? { reason: v.reason } : {}),
    message: v.message || v.reason || `${obj?.kind ?? "object"} is ${v.status}`,
  };
}

function verdict(obj: KubernetesObject | undefined, now: Date): Verdict {
  if (!obj) return { status: "NotFound", message: "not created yet" };
  if (obj.metadata?.deletionTimestamp)
    return { status: "Terminating", message: "Resource scheduled for deletion" };
  if (groupKind(obj) === "apps/Deployment" || groupKind(obj) === "extensions/Deployment")
    return ofDeployment(obj as V1Deployment);
  return generic(obj) ?? kindRule(obj)?.(obj, now) ?? readyCondition(obj) ?? resourceIsCurrent;
}

const resourceIsCurrent = current("Resource is current");

/** The generation and the standard conditions, which decide for any kind that has them. */
function generic(obj: KubernetesObject): Verdict | undefined {
  const generation = obj.metadata?.generation;
  const observed = num(obj, "status.observedGeneration", -1);
  if (generation !== undefined && observed !== -1 && observed !== generation)
    return inProgress(
      "LatestGenerationNotObserved",
      `${obj.kind} generation is ${generation}, but latest observed generation is ${observed}`,
    );
  for (const c of conditions(obj)) {
    if (c.status !== "True") continue;
    if (c.type === "Reconciling") return inProgress(c.reason ?? "", c.message ?? "");
    if (c.type === "Stalled") return failed(c.reason ?? "", c.message ?? "");
  }
  return undefined;
}

/**
 * A Ready condition is not one of the standard conditions, but widely used: it
 * decides when present. False may be progress or doom; it cannot be told apart.
 */
function readyCondition(obj: KubernetesObject): Verdict | undefined {
  for (const c of conditions(obj)) {
    if (c.type !== "Ready") continue;
    if (c.status === "True") return current("Resource is Ready");
    if (c.status === "False" || c.status === "Unknown")
      return inProgress(c.reason ?? "", c.message || `Ready is ${c.status}`);
  }
  return undefined;
}

/** Our Deployment rule (deployment-health.ts), in kstatus's terms. */
function ofDeployment(live: V1Deployment): Verdict {
  const h = deploymentHealth(live);
  switch (h.state) {
    case "Ready":
      return current(`Deployment is available. Replicas: ${h.replicas}`);
    case "Degraded":
      return { status: "Failed", message: h.message ?? "Deployment is degraded" };
    default:
      return { status: "InProgress", message: h.message ?? "Deployment is progressing" };
  }
}
