// A platform's status kept in its cluster, so a restart loses nothing: one
// ConfigMap `kubefox-gitops-status` in the platform's namespace, holding the
// status as JSON. It is written only when its content changes (never just
// because a sync ran), so a no-op resync stays at zero writes. Times that
// change on every sync (lastSyncTime) are kept in memory only. Every read and
// write of that ConfigMap is here: a reconcile writes it once, at its end
// (writeStatus), and before that only to record a release's pending version
// ahead of applying it (recordPendingRelease).
import type { KubernetesObject, V1ConfigMap } from "@kubernetes/client-node";
import type { ManagedCache } from "../cluster/cache.js";
import type { ClusterClient } from "../cluster/client.js";
import { labels, managedByValue } from "../cluster/labels.js";
import { withDesiredHash } from "../render/deployment.js";
import { applyAll } from "../reconcile/apply.js";
import { applyFailure } from "../reconcile/apply-failure.js";
import type { PlatformStatus, ReleaseState } from "./status.js";
import type { ReleaseHealth, ReleaseStatus } from "../../schemas/status/release-status.js";

export const statusConfigMapName = "kubefox-gitops-status";
export const statusOwner = "status";

/** What is persisted: the platform's status without per-sync times. */
export type { StoredStatus } from "../../schemas/status/stored-status.js";
import type { StoredStatus } from "../../schemas/status/stored-status.js";

/** Where a platform's status is kept. */
export interface StatusTarget {
  client: ClusterClient;
  cache: ManagedCache;
  platform: string;
  namespace: string;
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
  const releaseHealth = Object.fromEntries(
    status.releases.map((r) => [r.environment, releaseHealthOf(r)] as const),
  );
  return {
    system: status.system,
    deployments: status.deployments.map(({ lastSyncTime: _t, ...rest }) => rest),
    ...(releases ? { releases } : {}),
    ...(status.releases.length > 0 ? { releaseHealth } : {}),
  };
}

/** The health part of a release's status (what the stored state lacks). */
function releaseHealthOf(release: ReleaseStatus): ReleaseHealth {
  const { state, components, pendingComponents, notReady, pendingNotReady, deadline } = release;
  return {
    state,
    components,
    pendingComponents,
    ...(notReady ? { notReady } : {}),
    ...(pendingNotReady ? { pendingNotReady } : {}),
    ...(deadline ? { deadline } : {}),
  };
}

/** Stores the status (a write only when it changed); throws the typed error when the write fails. */
export async function writeStatus(target: StatusTarget, stored: StoredStatus): Promise<void> {
  await save(target, stored, "writing status: ");
}

/**
 * The write-ahead record of a release (DESIGN §4): its state, with its new
 * pending version, stored before any object of that version is applied, so a
 * controller killed at any point after finds every object it may have made.
 * `base` is the status as stored so far; only this release's state changes.
 */
export async function recordPendingRelease(
  target: StatusTarget,
  base: StoredStatus,
  release: ReleaseState,
): Promise<void> {
  const stored = { ...base, releases: { ...base.releases, [release.environment]: release } };
  await save(target, stored, "recording release state: ");
}

async function save(target: StatusTarget, stored: StoredStatus, what: string): Promise<void> {
  const result = await applyAll(target.client, target.cache, [
    statusObject(target.platform, target.namespace, stored),
  ]);
  if (result.errors.length > 0) throw applyFailure(result.errors, what);
}
