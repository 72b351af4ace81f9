// A release's status, as the status API serves it: its stored state with the
// health of its versions and the pending version's deadline. The one builder,
// for the replica that reconciles and for one that only reads the stored state.
import { deadlineOf } from "./release-machine.js";
import type { ReleasePolicy, ReleaseState, ReleaseStatus } from "./release.js";
import { worst, type ComponentHealth, type InventoryEntry, type State } from "../status/status.js";

/** The health of the components whose Deployments are in `inventory` (from the watch cache). */
export type HealthOf = (inventory: InventoryEntry[]) => ComponentHealth[];

export function releaseStatus(
  state: ReleaseState,
  policy: ReleasePolicy,
  health: HealthOf,
): ReleaseStatus {
  const components = state.active ? health(state.active.inventory) : [];
  const pendingComponents = state.pending ? health(state.pending.inventory) : [];
  const neverActive =
    !state.active &&
    (state.lastError !== undefined || state.history[0]?.reason === "PendingDeadlineExceeded");
  const s: State = state.pending
    ? "Progressing"
    : state.active
      ? worst(components.map((c) => c.state))
      : neverActive
        ? "Failed"
        : "Pending";
  return {
    ...state,
    state: s,
    components,
    pendingComponents,
    ...(state.pending
      ? { deadline: new Date(deadlineOf(state.pending, policy)).toISOString() }
      : {}),
  };
}

/** A release gone from the platform file whose objects may not be pruned yet. */
export function removedReleaseStatus(state: ReleaseState): ReleaseStatus {
  return {
    ...state,
    state: "Pending",
    components: [],
    pendingComponents: [],
    lastError: "removed from the platform file; its objects stay until a sync may prune",
  };
}
