// The status of what runs, as the status API serves it and as it is kept in the
// cluster (DESIGN §6). Every field a user sees is documented in the README.
import type { ReleaseStatus } from "./release.js";

/**
 * A deployment's, a component's or an object's state. The worst component or
 * object decides the deployment's (objects by kstatus's rules: object-health.ts).
 */
export type State =
  /** Known from Git, not yet synced. */
  | "Pending"
  /** Applied; rolling out (pods not all updated and available yet), or an object not ready yet (kstatus InProgress, Terminating, NotFound). */
  | "Progressing"
  /** Applied, every Deployment is Available with all replicas updated, and every other object is ready (kstatus Current). */
  | "Ready"
  /** Applied, but a rollout is stuck (ProgressDeadlineExceeded), replicas are unavailable, or an object failed (kstatus Failed: a Job failed, a Pod crash-loops, a Stalled condition). */
  | "Degraded"
  /** Not applied: the ref did not resolve, the tree is invalid, the policy refused it, or the apply failed. Whatever ran before keeps running. */
  | "Failed";

const badness: Record<State, number> = {
  Ready: 0,
  Pending: 1,
  Progressing: 2,
  Degraded: 3,
  Failed: 4,
};

export function worst(states: State[]): State {
  return states.reduce<State>((w, s) => (badness[s] > badness[w] ? s : w), "Ready");
}

export interface ComponentHealth {
  app: string;
  component: string;
  /** Name of its Deployment. */
  deployment: string;
  state: State;
  /** Ready replicas over desired, e.g. "2/2". */
  replicas: string;
  /** The commit at which its pod template last changed: the commit its pods run. */
  commit?: string;
  message?: string;
}

export interface ObjectStatus {
  kind: string;
  name: string;
  namespace?: string;
  message: string;
}

/** An applied object that is not Ready, with why (kstatus's message). */
export interface NotReadyObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** Progressing or Degraded. */
  state: State;
  message: string;
}

/** Where an inventory entry points: enough to find and delete the object again. */
export interface InventoryEntry {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface DeploymentStatus {
  /** The ref as the platform file gives it, e.g. `branch/main`. */
  ref: string;
  /** The commit the ref resolved to on the last sync (empty when it never resolved). */
  id: string;
  /** The commit whose objects run now (differs from `id` while a newer commit fails). */
  appliedId: string;
  environment?: string;
  state: State;
  components: ComponentHealth[];
  /** Every applied object (its inventory) that is not Ready, with why; absent when all are. */
  notReady?: NotReadyObject[];
  /** Objects we want but that exist without our label: left alone. */
  conflicts: ObjectStatus[];
  /** Env entries left out and similar: rendered anyway. */
  warnings: string[];
  /** Why the last sync failed, with file, line and column for invalid trees. */
  lastError?: string;
  /** The error's code (see controller/errors.ts). */
  lastErrorCode?: string;
  /** When the last sync of this deployment finished (this process's clock). */
  lastSyncTime?: string;
  /** When `state` last changed. */
  lastTransitionTime?: string;
  /** Every object applied for `appliedId`: what prune compares against. */
  inventory: InventoryEntry[];
}

export interface UnmanagedObject {
  apiVersion: string;
  kind: string;
  name: string;
  /** Its field managers or managed-by label: who seems to own it. */
  managers: string[];
}

export interface PlatformStatus {
  /** Releases by environment (see reconcile/release.ts for every field). */
  releases: ReleaseStatus[];
  name: string;
  system: string;
  namespace: string;
  /** The kubeconfig context, or "" for the default. */
  cluster: string;
  deployments: DeploymentStatus[];
  /** Objects in the namespace that we did not create: listed, never touched. */
  unmanaged: UnmanagedObject[];
  lastError?: string;
  lastSyncTime?: string;
}
