// A release's status, as the status API serves it: its stored state with the
// health of its versions and the pending version's deadline. The one builder,
// for the replica that reconciles and for one that only reads the stored state.
import { deadlineOf } from "./release-machine.js";
import type { ReleasePolicy, ReleaseState, ReleaseStatus } from "./release.js";
import type { InventoryHealth } from "./health.js";
import { worst, type InventoryEntry, type State } from "../status/status.js";

/** The health of the components and objects of `inventory` (from the watch cache). */
export type HealthOf = (inventory: InventoryEntry[]) => InventoryHealth;

export function releaseStatus(
  state: ReleaseState,
  policy: ReleasePolicy,
  health: HealthOf,
): ReleaseStatus {
  const none: InventoryHealth = { components: [], notReady: [] };
  const active = state.active ? health(state.active.inventory) : none;
  const pending = state.pending ? health(state.pending.inventory) : none;
  const neverActive =
    !state.active &&
    (state.lastError !== undefined || state.history[0]?.reason === "PendingDeadlineExceeded");
  const s: State = state.pending
    ? "Progressing"
    : state.active
      ? worst([...active.components, ...active.notReady].map((c) => c.state))
      : neverActive
        ? "Failed"
        : "Pending";
  return {
    ...state,
    state: s,
    components: active.components,
    pendingComponents: pending.components,
    ...(active.notReady.length > 0 ? { notReady: active.notReady } : {}),
    ...(pending.notReady.length > 0 ? { pendingNotReady: pending.notReady } : {}),
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
