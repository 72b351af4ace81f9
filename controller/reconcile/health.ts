// Health of what a deployment or a release version applied, from the watch
// cache: per component, from its Deployment (deployment-health.ts); and per
// object, by kstatus's rules (object-health.ts), for every object of the
// inventory, so a StatefulSet from manifests/ that never starts holds its
// deployment out of Ready (issue 15).
import type { V1Deployment } from "@kubernetes/client-node";
import type { ManagedCache } from "../cluster/cache.js";
import { labels } from "../cluster/labels.js";
import { deploymentHealth } from "./deployment-health.js";
import { objectHealth } from "./object-health.js";
import type { ComponentHealth, InventoryEntry, NotReadyObject } from "../status/status.js";

export { deploymentHealth, type Health } from "./deployment-health.js";

/** The commit whose pod template the Deployment runs (issue 11). */
function podCommit(live: V1Deployment | undefined): string | undefined {
  return live?.spec?.template?.metadata?.labels?.[labels.commit];
}

/** The health of every component whose Deployment is in `inventory`, from the watch cache. */
export function componentHealth(
  cache: ManagedCache,
  inventory: InventoryEntry[],
): ComponentHealth[] {
  return inventory
    .filter((e) => e.kind === "Deployment" && e.apiVersion === "apps/v1")
    .map((e) => {
      const live = cache.get(e) as V1Deployment | undefined;
      const health = deploymentHealth(live);
      return {
        app: live?.metadata?.labels?.[labels.app] ?? "",
        component: live?.metadata?.labels?.[labels.component] ?? "",
        deployment: e.name,
        state: health.state,
        replicas: health.replicas,
        ...(podCommit(live) ? { commit: podCommit(live) } : {}),
        ...(health.message ? { message: health.message } : {}),
      };
    });
}

/** Every object of `inventory` that is not Ready, with why, from the watch cache. */
export function notReadyObjects(
  cache: ManagedCache,
  inventory: InventoryEntry[],
  now = new Date(),
): NotReadyObject[] {
  return inventory.flatMap((e) => {
    const health = objectHealth(cache.get(e), now);
    if (health.state === "Ready") return [];
    return [
      {
        apiVersion: e.apiVersion,
        kind: e.kind,
        name: e.name,
        ...(e.namespace ? { namespace: e.namespace } : {}),
        state: health.state,
        message: health.message,
      },
    ];
  });
}

/** Both, for one inventory: what a release version's status and decision read. */
export interface InventoryHealth {
  components: ComponentHealth[];
  notReady: NotReadyObject[];
}

export function inventoryHealth(cache: ManagedCache, inventory: InventoryEntry[]): InventoryHealth {
  return {
    components: componentHealth(cache, inventory),
    notReady: notReadyObjects(cache, inventory),
  };
}

/**
 * Makes the cache watch every kind in `inventory` (once per kind), so health
 * reads live state and each status change of these objects triggers a sync.
 * Applying an object watches its kind already; this covers objects that were
 * not applied by this process (a failed sync after a restart, a follower).
 * A kind the cluster does not have, or a cluster that does not answer, leaves
 * the cache without it: those objects read as not found.
 */
export async function watchKinds(cache: ManagedCache, inventory: InventoryEntry[]): Promise<void> {
  const kinds = new Map(inventory.map((e) => [`${e.apiVersion}/${e.kind}`, e]));
  await Promise.all(
    [...kinds.values()].map((e) => cache.ensure(e.apiVersion, e.kind).catch(() => false)),
  );
}
