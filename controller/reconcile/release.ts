// What a release is (DESIGN §4): at most one active and one pending version of
// an environment, and a history. This state is kept in the cluster (the
// platform's status ConfigMap), so it survives a restart. How it moves is decided
// in release-machine.ts and carried out in release-executor.ts; its status is
// built in release-status.ts.
import type { EnvironmentDoc } from "../../schemas/environment.js";
import type { ComponentHealth, InventoryEntry, NotReadyObject, State } from "./status.js";

/** Why a version left a release. */
export type ArchiveReason =
  /** A newer version became active. */
  | "Superseded"
  /** It was not Available within releasePolicy.activationDeadlineSeconds. */
  | "PendingDeadlineExceeded"
  /** The ref moved back to an older commit. */
  | "RolledBack";

export interface ReleaseVersion {
  releaseId: string;
  commit: string;
  ref: string;
  requestTime: string;
  activationTime?: string;
  /** Its Deployments and ConfigMaps. */
  inventory: InventoryEntry[];
}

export interface ReleaseHistoryEntry {
  releaseId: string;
  commit: string;
  ref: string;
  requestTime: string;
  activationTime?: string;
  archiveTime: string;
  reason: ArchiveReason;
}

/** What is kept in the cluster per environment. */
export interface ReleaseState {
  environment: string;
  ref: string;
  active?: ReleaseVersion;
  pending?: ReleaseVersion;
  /** Newest first, at most releasePolicy.historyLimit. */
  history: ReleaseHistoryEntry[];
  /** The environment's Services and Ingress, as last applied. */
  front: InventoryEntry[];
  /** Objects of archived versions not yet deleted. */
  retiring: InventoryEntry[];
  /** The `<env>-routing` Secret was made (it is never read back: see routing-secret.ts). */
  routingSecret?: boolean;
  lastError?: string;
  lastErrorCode?: string;
}

export interface ReleaseStatus extends ReleaseState {
  /** Pending while nothing is active yet; Progressing while a version is pending; else the active version's health (its components' and objects'). */
  state: State;
  /** Health of the active version's components (and the pending one's, when there is one). */
  components: ComponentHealth[];
  pendingComponents: ComponentHealth[];
  /** Objects of the active version that are not Ready, with why; absent when all are. */
  notReady?: NotReadyObject[];
  /** Objects of the pending version that are not Ready yet, with why; absent when all are (or none is pending). */
  pendingNotReady?: NotReadyObject[];
  /** When a pending version must be Available by. */
  deadline?: string;
}

/** An environment's releasePolicy, defaults filled in. */
export interface ReleasePolicy {
  activationDeadlineSeconds: number;
  historyLimit: number;
}

export function releasePolicy(env: EnvironmentDoc | undefined): ReleasePolicy {
  return {
    activationDeadlineSeconds: env?.spec.releasePolicy.activationDeadlineSeconds ?? 300,
    historyLimit: env?.spec.releasePolicy.historyLimit ?? 10,
  };
}

/** What a release's versions own (their health is read from these). */
export function versionInventory(state: ReleaseState): InventoryEntry[] {
  return [...(state.active?.inventory ?? []), ...(state.pending?.inventory ?? [])];
}
