// One release (one environment of one platform) per call: observe, decide
// (release-machine.ts, pure), then carry the decided actions out against the
// cluster in order, stopping at the first that fails. Errors keep their type,
// so an API server that does not answer is reported as ClusterUnavailable.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { ObjectRef } from "../cluster/client.js";
import { applyAll } from "./apply.js";
import { applyFailure } from "./apply-failure.js";
import { inventoryHealth } from "./health.js";
import { prune } from "./prune.js";
import { observeRelease, type ReleaseView } from "./release-observe.js";
import {
  decideRelease,
  settleRelease,
  type ReleaseAction,
  type ReleaseOutcome,
} from "./release-machine.js";
import { untouchedSince } from "./deployment-memo.js";
import { releaseStatus } from "./release-status.js";
import { releasePolicy, type ReleaseState, type ReleaseStatus } from "./release.js";
import { newRoutingSecret } from "./routing-secret.js";
import type { InventoryEntry } from "../status/status.js";

export interface ReleaseContext extends ReleaseView {
  /** Stores this release's state with its new pending version, before that version is applied. */
  recordPending: (state: ReleaseState) => Promise<void>;
}

export interface ReleaseResult {
  state: ReleaseState;
  status: ReleaseStatus;
  /** Check again then (the pending version's deadline), even if nothing else happens. */
  requeueAtMs?: number;
}

export async function reconcileRelease(
  ctx: ReleaseContext,
  release: { environment: string; ref: string },
  stored: ReleaseState | undefined,
): Promise<ReleaseResult> {
  const policy = releasePolicy(ctx.input.control.environments[release.environment]);
  const seen = await observeRelease(ctx, release, stored, policy);
  const decision = decideRelease(stored, seen);
  const outcome = await carryOut(ctx, release.environment, decision.actions);
  const state = settleRelease(decision, outcome);
  const status = releaseStatus(state, policy, (inventory) =>
    inventoryHealth(ctx.input.cache, inventory),
  );
  const requeueAtMs = outcome.failed ? undefined : decision.requeueAtMs;
  return { state, status, ...(requeueAtMs !== undefined ? { requeueAtMs } : {}) };
}

/** A release no longer in the platform file: every object of it goes (but not its routing Secret). */
export async function removeRelease(
  ctx: ReleaseContext,
  state: ReleaseState,
): Promise<InventoryEntry[]> {
  const all = [
    ...(state.active?.inventory ?? []),
    ...(state.pending?.inventory ?? []),
    ...state.front,
    ...state.retiring,
  ];
  const result = await prune(ctx.input.client, ctx.input.cache, ctx.input.name, all);
  return result.failed;
}

async function carryOut(
  ctx: ReleaseContext,
  environment: string,
  actions: ReleaseAction[],
): Promise<ReleaseOutcome> {
  const outcome: ReleaseOutcome = { routingSecretMade: false, undeleted: [] };
  for (const action of actions) {
    try {
      await perform(ctx, environment, action, outcome);
    } catch (error) {
      return { ...outcome, failed: { error } };
    }
  }
  return outcome;
}

async function perform(
  ctx: ReleaseContext,
  environment: string,
  action: ReleaseAction,
  outcome: ReleaseOutcome,
): Promise<void> {
  const { client, cache, name } = ctx.input;
  switch (action.type) {
    case "delete": {
      // Only objects still ours for this platform; what fails stays retiring, tried next time.
      const result = await prune(client, cache, name, action.entries);
      outcome.undeleted.push(...result.failed);
      return;
    }
    case "recordPending":
      return ctx.recordPending(action.state);
    case "ensureRoutingSecret":
      await client.createIfMissing(newRoutingSecret(ctx.platform, environment));
      outcome.routingSecretMade = true;
      return;
    case "apply":
    case "switchFront":
      return applyOrThrow(ctx, action.objects);
  }
}

async function applyOrThrow(ctx: ReleaseContext, objects: KubernetesObject[]): Promise<void> {
  const { client, cache, releaseMemo: memo } = ctx.input;
  // Rendered from unchanged inputs, and nothing in the cluster moved since their last clean
  // apply: nothing to compare (release-memo.ts).
  const resourceVersionOf = (ref: ObjectRef) => cache.get(ref)?.metadata?.resourceVersion;
  if (memo && untouchedSince(memo.cleanOf(objects), resourceVersionOf)) return;
  ctx.work.compared++;
  const result = await applyAll(client, cache, objects);
  const failed = [
    ...result.errors,
    ...result.conflicts.map((c) => ({ ...c, code: "Conflict" as const })),
  ];
  memo?.remember(
    objects,
    failed.length === 0
      ? { inventory: result.inventory, resourceVersions: result.resourceVersions }
      : undefined,
  );
  if (failed.length > 0) throw applyFailure(failed);
}
