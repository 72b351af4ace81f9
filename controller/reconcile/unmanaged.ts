// Objects in a managed namespace that we did not create (Helm's, a person's):
// listed in status, never touched. Only top-level kinds people make by hand;
// what controllers derive (ReplicaSets, Pods, EndpointSlices, Events) and what
// Kubernetes itself puts in every namespace are left out, and so are Secrets:
// the controller may not read any Secret (see deploy/clusterrole.yaml).
import type { KubernetesObject } from "@kubernetes/client-node";
import type { ClusterClient } from "../cluster/client.js";
import { isManaged, labels, managedByValue } from "../cluster/labels.js";
import type { UnmanagedObject } from "../status/status.js";

const kinds: [string, string][] = [
  ["apps/v1", "Deployment"],
  ["apps/v1", "StatefulSet"],
  ["apps/v1", "DaemonSet"],
  ["batch/v1", "Job"],
  ["batch/v1", "CronJob"],
  ["v1", "Service"],
  ["v1", "ConfigMap"],
  ["v1", "ServiceAccount"],
  ["v1", "PersistentVolumeClaim"],
  ["networking.k8s.io/v1", "Ingress"],
];

function builtIn(obj: KubernetesObject): boolean {
  const name = obj.metadata?.name ?? "";
  return (
    (obj.kind === "ConfigMap" && name === "kube-root-ca.crt") ||
    (obj.kind === "ServiceAccount" && name === "default") ||
    (obj.metadata?.ownerReferences?.length ?? 0) > 0
  );
}

export async function listUnmanaged(
  client: ClusterClient,
  namespace: string,
): Promise<UnmanagedObject[]> {
  const found: UnmanagedObject[] = [];
  // Our own objects are left out by the API server (a namespace of 50 components would
  // otherwise send 150 objects, managedFields and all, to be dropped here: issue 17).
  const labelSelector = `${labels.managedBy}!=${managedByValue}`;
  const lists = await Promise.all(
    kinds.map(([apiVersion, kind]) => client.list(apiVersion, kind, { namespace, labelSelector })),
  );
  for (const [i, [apiVersion, kind]] of kinds.entries()) {
    for (const obj of lists[i]!.items) {
      if (isManaged(obj) || builtIn(obj)) continue;
      const managers = [
        ...new Set([
          ...(obj.metadata?.labels?.[labels.managedBy]
            ? [`label:${obj.metadata.labels[labels.managedBy]}`]
            : []),
          ...(obj.metadata?.managedFields ?? []).map((f) => f.manager ?? "").filter(Boolean),
        ]),
      ];
      found.push({ apiVersion, kind, name: obj.metadata?.name ?? "", managers });
    }
  }
  return found.sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));
}
