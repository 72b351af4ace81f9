// The order objects are applied in (DESIGN §3 via the deployments issue): what
// others refer to comes first. Objects within one step are applied in parallel.
import type { KubernetesObject } from "@kubernetes/client-node";

const steps: string[][] = [
  ["CustomResourceDefinition", "Namespace"],
  [
    "ServiceAccount",
    "ConfigMap",
    "Secret",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
  ],
  ["Service"],
  ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"],
];

export function applyStep(kind: string | undefined): number {
  const i = steps.findIndex((s) => s.includes(kind ?? ""));
  return i === -1 ? steps.length : i;
}

/** Objects grouped by step, in order; empty steps left out. */
export function inApplyOrder<T extends KubernetesObject>(objects: T[]): T[][] {
  const groups: T[][] = [];
  for (const obj of objects) (groups[applyStep(obj.kind)] ??= []).push(obj);
  return groups.filter((g) => g && g.length > 0);
}

/** Reverse order, for deletes: dependents go before what they depend on. */
export function inDeleteOrder<T extends KubernetesObject>(objects: T[]): T[][] {
  return inApplyOrder(objects).reverse();
}
