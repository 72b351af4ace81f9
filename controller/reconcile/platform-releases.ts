// The releases step of a platform's reconcile: each release of the platform
// file in turn, then the releases gone from it (their objects go once it is
// safe to prune). The release states it returns are stored with the platform's
// status at the end of the reconcile; the only write before that is a release's
// write-ahead record of its pending version.
import type { PlatformTarget } from "../render/input.js";
import type { PlatformInput } from "./platform-input.js";
import { reconcileRelease, removeRelease, type ReleaseContext } from "./release-executor.js";
import { withReleaseError } from "./release-machine.js";
import { releaseStatus, removedReleaseStatus } from "./release-status.js";
import {
  releasePolicy,
  versionInventory,
  type ReleaseState,
  type ReleaseStatus,
} from "./release.js";
import { inventoryHealth, watchKinds } from "./health.js";
import { recordPendingRelease } from "../status/store.js";

export interface ReleasesResult {
  /** By environment, as they are to be stored. */
  states: Record<string, ReleaseState>;
  statuses: ReleaseStatus[];
  /** Reconcile again by then (a pending release's deadline). */
  requeueAtMs?: number;
  /** Versions and fronts rendered, and applies compared with the live objects (issue 17). */
  work: { rendered: number; compared: number };
}

export async function reconcileReleases(
  input: PlatformInput,
  platform: PlatformTarget,
  everyApplyOk: boolean,
): Promise<ReleasesResult> {
  const states: Record<string, ReleaseState> = { ...input.previous?.releases };
  const statuses: ReleaseStatus[] = [];
  let requeueAtMs: number | undefined;
  const ctx: ReleaseContext = {
    input,
    platform,
    now: () => new Date(),
    work: { rendered: 0, compared: 0 },
    // The deployments' part as the last sync left it, and the releases as this one has them so far.
    recordPending: (state) =>
      recordPendingRelease(
        {
          client: input.client,
          cache: input.cache,
          platform: input.name,
          namespace: platform.namespace,
        },
        {
          ...(input.previous ?? { system: input.system, deployments: [] }),
          releases: { ...states },
        },
        state,
      ),
  };
  for (const release of input.doc.spec.releases) {
    const result = await reconcileRelease(ctx, release, states[release.environment]);
    states[release.environment] = result.state;
    statuses.push(result.status);
    if (result.requeueAtMs) requeueAtMs = Math.min(requeueAtMs ?? Infinity, result.requeueAtMs);
  }
  // Releases gone from the platform file: their objects go too, once it is safe to prune.
  const wanted = new Set(input.doc.spec.releases.map((r) => r.environment));
  for (const [environment, state] of Object.entries(states)) {
    if (wanted.has(environment)) continue;
    if (!input.allowPrune || !everyApplyOk) {
      statuses.push(removedReleaseStatus(state));
      continue;
    }
    const left = await removeRelease(ctx, state);
    if (left.length > 0)
      states[environment] = {
        ...state,
        active: undefined,
        pending: undefined,
        front: [],
        retiring: left,
      };
    else delete states[environment];
  }
  // Renders of inputs no release read this time (a ref moved on, an environment changed) go.
  input.releaseMemo?.sweep();
  return { states, statuses, work: ctx.work, ...(requeueAtMs ? { requeueAtMs } : {}) };
}

/**
 * The releases as stored, for a reconcile that did not get to them: each of the
 * platform file's releases fails with `error` when there is one (its Namespace
 * could not be applied), and keeps what it ran before.
 */
export async function releasesAsStored(
  input: PlatformInput,
  error?: unknown,
): Promise<ReleasesResult> {
  const states: Record<string, ReleaseState> = { ...input.previous?.releases };
  await watchKinds(input.cache, Object.values(states).flatMap(versionInventory));
  const statuses: ReleaseStatus[] = [];
  for (const release of input.doc.spec.releases) {
    const stored = states[release.environment] ?? {
      environment: release.environment,
      ref: release.ref,
      history: [],
      front: [],
      retiring: [],
    };
    const state = error === undefined ? stored : withReleaseError(stored, error);
    states[release.environment] = state;
    const policy = releasePolicy(input.control.environments[release.environment]);
    statuses.push(
      releaseStatus(state, policy, (inventory) => inventoryHealth(input.cache, inventory)),
    );
  }
  return { states, statuses, work: { rendered: 0, compared: 0 } };
}
