// The status of what runs, as the status API serves it and as it is kept in the
// cluster (DESIGN §6). The shapes are JSON Schemas in schemas/status/, each field
// described there; these are the names the reconcile code knows them by.
import type { State } from "../../schemas/status/state.js";

export type { State } from "../../schemas/status/state.js";
export type { ComponentHealth } from "../../schemas/status/component-health.js";
export type { ObjectStatus } from "../../schemas/status/object-status.js";
export type { NotReadyObject } from "../../schemas/status/not-ready-object.js";
export type { InventoryEntry } from "../../schemas/status/inventory-entry.js";
export type { DeploymentStatus } from "../../schemas/status/deployment-status.js";
export type { UnmanagedObject } from "../../schemas/status/unmanaged-object.js";
export type { PlatformStatus } from "../../schemas/status/platform-status.js";
export type {
  ArchiveReason,
  ReleaseHistoryEntry,
  ReleaseVersion,
} from "../../schemas/status/release-version.js";
export type {
  ReleaseHealth,
  ReleaseState,
  ReleaseStatus,
} from "../../schemas/status/release-status.js";

/** How bad each state is: the worst component decides a deployment's state. */
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
