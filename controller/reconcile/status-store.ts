// A platform's status kept in its cluster, so a restart loses nothing: one
// ConfigMap `kubefox-gitops-status` in the platform's namespace, holding the
// status as JSON. It is written only when its content changes (never just
// because a sync ran), so a no-op resync stays at zero writes. Times that
// change on every sync (lastSyncTime) are kept in memory only.
import type { KubernetesObject, V1ConfigMap } from "@kubernetes/client-node";
import type { ManagedCache } from "../cluster/cache.js";
import type { ClusterClient } from "../cluster/client.js";
import { labels, managedByValue } from "../cluster/labels.js";
import { withDesiredHash } from "../render/deployment.js";
import type { DeploymentStatus, InventoryEntry, PlatformStatus, ReleaseState } from "./status.js";

export const statusConfigMapName = "kubefox-gitops-status";
export const statusOwner = "status";

/** What is persisted: the platform's status without per-sync times. */
export interface StoredStatus {
  system: string;
  deployments: Omit<DeploymentStatus, "lastSyncTime">[];
  /** Objects whose prune failed, to delete on the next sync. */
  orphans?: InventoryEntry[];
  /** Release state (DESIGN §4), by environment. */
  releases?: Record<string, ReleaseState>;
}

export function statusRef(namespace: string) {
  return { apiVersion: "v1", kind: "ConfigMap", name: statusConfigMapName, namespace };
}

export async function loadStatus(
  client: ClusterClient,
  cache: ManagedCache,
  namespace: string,
): Promise<StoredStatus | undefined> {
  await cache.ensure("v1", "ConfigMap");
  const live = (cache.get(statusRef(namespace)) ?? (await client.get(statusRef(namespace)))) as
    V1ConfigMap | undefined;
  const text = live?.data?.["status.json"];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as StoredStatus;
  } catch {
    return undefined; // unreadable: start afresh; the next write replaces it
  }
}

export function statusObject(
  platform: string,
  namespace: string,
  stored: StoredStatus,
): KubernetesObject {
  return withDesiredHash({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: statusConfigMapName,
      namespace,
      labels: {
        [labels.managedBy]: managedByValue,
        [labels.platform]: platform,
        [labels.owner]: statusOwner,
      },
    },
    data: { "status.json": JSON.stringify(stored, null, 1) },
  } satisfies V1ConfigMap);
}

export function toStored(
  status: PlatformStatus,
  releases?: Record<string, ReleaseState>,
): StoredStatus {
  return {
    system: status.system,
    deployments: status.deployments.map(({ lastSyncTime: _t, ...rest }) => rest),
    ...(releases ? { releases } : {}),
  };
}
