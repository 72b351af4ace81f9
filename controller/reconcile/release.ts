// What a release is (DESIGN §4): at most one active and one pending version of
// an environment, and a history. This state is kept in the cluster (the
// platform's status ConfigMap), so it survives a restart. How it moves is decided
// in release-machine.ts and carried out in release-executor.ts; its status is
// built in release-status.ts.
import type { EnvironmentDoc } from "../../schemas/environment.js";
import type { InventoryEntry, ReleaseState } from "../status/status.js";

// The state's and the status's shapes are JSON Schemas (schemas/status/), like every status.
export type {
  ArchiveReason,
  ReleaseHistoryEntry,
  ReleaseState,
  ReleaseStatus,
  ReleaseVersion,
} from "../status/status.js";

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
