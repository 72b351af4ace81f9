// Reconciling one platform, top to bottom: resolve each deployment's ref, load
// and validate that system, render it, apply, releases, prune, check health,
// write status. Each step records its own failure and the recipe goes on where
// that is safe: a deployment that fails keeps what it ran before (its old
// inventory stays desired, so prune spares it) and every other deployment
// proceeds. The status is built and written once, at the end, whatever failed.
import type { KubernetesObject } from "@kubernetes/client-node";
import { canonicalJson } from "../cluster/drift.js";
import { labels, managedByValue } from "../cluster/labels.js";
import { mapBounded } from "../cluster/limit.js";
import { describeError } from "../errors.js";
import { withDesiredHash } from "../render/deployment.js";
import type { PlatformTarget } from "../render/input.js";
import { applyAll } from "./apply.js";
import { applyFailure } from "./apply-failure.js";
import { recordEvent } from "./events.js";
import { watchKinds } from "./health.js";
import {
  applyDeployment,
  claimOnce,
  deploymentStatus,
  inventoryAfter,
  renderOne,
  type DeploymentWork,
} from "./platform-deployments.js";
import { reconcileReleases, releasesAsStored, type ReleasesResult } from "./platform-releases.js";
import { planPrune, prune } from "./prune.js";
import type { PlatformInput } from "./platform-input.js";
import type { InventoryEntry, PlatformStatus } from "../status/status.js";
import { toStored, writeStatus, type StoredStatus } from "../status/store.js";
import { listUnmanaged } from "./unmanaged.js";

export interface PlatformResult {
  status: PlatformStatus;
  stored: StoredStatus;
  /** Reconcile again by then (a pending release's deadline). */
  requeueAtMs?: number;
  /**
   * Deployments rendered, and deployments compared with the live objects (the rest had
   * unchanged inputs); the same for the releases' versions and fronts.
   */
  work: { rendered: number; compared: number; releaseRendered: number; releaseCompared: number };
  /** The unmanaged inventory was listed anew. */
  listedUnmanaged: boolean;
}

interface PlatformRun {
  work: DeploymentWork[];
  /** The Namespace could not be applied: nothing of the platform was. */
  namespaceFailed: boolean;
  releases?: ReleasesResult;
  pruned: InventoryEntry[];
  /** Objects whose prune failed, to delete on the next sync. */
  orphans: InventoryEntry[];
}

/** One reconcile of a platform: the recipe's steps, then its status, settled once whatever failed. */
export async function reconcilePlatform(input: PlatformInput): Promise<PlatformResult> {
  const platform = platformTarget(input);
  const run = startRun(input);
  let result!: PlatformResult;
  try {
    await steps(input, platform, run);
  } finally {
    // 6. Whatever happened in the steps: health, and the status built from what they left,
    //    written once (like Flux's deferred finalizeStatus).
    result = await settleStatus(input, platform, run);
  }
  return result;
}

/** The recipe, steps 1 to 5. Each records its outcome in `run`. */
async function steps(input: PlatformInput, platform: PlatformTarget, run: PlatformRun) {
  // 1. Resolve each ref, load and validate its system, render it (unless its inputs are
  //    those of the last reconcile: then its render is reused, see deployment-memo.ts).
  input.memo?.retain(run.work.map((w) => w.ref));
  await mapBounded(run.work, 4, (w) => renderOne(input, platform, w));
  claimOnce(run.work);

  // 2. The platform's Namespace first. Without it nothing of the platform is applied: every
  //    deployment and release fails with the reason, and keeps what it ran before.
  const namespaceResult = await applyAll(input.client, input.cache, [namespaceObject(platform)]);
  if (namespaceResult.errors.length > 0) {
    const error = applyFailure(namespaceResult.errors);
    run.namespaceFailed = true;
    for (const w of run.work) w.error ??= error;
    run.releases = await releasesAsStored(input, error);
    return;
  }

  // 3. Apply every deployment that rendered (one whose inputs and live objects are as the
  //    last clean apply left them is not compared again).
  await mapBounded(
    run.work.filter((w) => w.objects),
    4,
    (w) => applyDeployment(input, w),
  );

  // 4. Releases: each environment's active and pending versions, cut over when healthy.
  run.releases = await reconcileReleases(input, platform, everyApplyOk(run));

  // 5. Prune what was ours and is no longer desired, only when every apply succeeded.
  await pruneUnwanted(input, run);
}

function platformTarget(input: PlatformInput): PlatformTarget {
  const { spec } = input.doc;
  return {
    name: input.name,
    namespace: spec.namespace,
    policy: {
      allowPrivileged: spec.policy.allowPrivileged,
      allowHostNetwork: spec.policy.allowHostNetwork,
      allowHostPID: spec.policy.allowHostPID,
      allowHostPath: spec.policy.allowHostPath,
    },
  };
}

function startRun(input: PlatformInput): PlatformRun {
  const previousByRef = new Map((input.previous?.deployments ?? []).map((d) => [d.ref, d]));
  return {
    work: input.doc.spec.deployments.map((d) => ({
      ref: d.ref,
      ...(d.environment ? { environment: d.environment } : {}),
      ...(previousByRef.has(d.ref) ? { previous: previousByRef.get(d.ref)! } : {}),
      warnings: [],
      conflicts: [],
    })),
    namespaceFailed: false,
    pruned: [],
    orphans: input.previous?.orphans ?? [],
  };
}

function everyApplyOk(run: PlatformRun): boolean {
  return !run.namespaceFailed && run.work.every((w) => !w.applied || w.applied.errors.length === 0);
}

async function pruneUnwanted(input: PlatformInput, run: PlatformRun): Promise<void> {
  const { doc, log } = input;
  const desired = run.work.flatMap(inventoryAfter);
  const previousInventory = [
    ...(input.previous?.deployments ?? []).flatMap((d) => d.inventory),
    ...(input.previous?.orphans ?? []),
  ];
  const wentEmpty = desired.length === 0 && previousInventory.length > 0 && !doc.spec.allowEmpty;
  if (input.allowPrune && everyApplyOk(run) && !wentEmpty) {
    const result = await prune(
      input.client,
      input.cache,
      input.name,
      planPrune(previousInventory, desired),
    );
    run.pruned = result.deleted;
    run.orphans = result.failed;
    for (const e of result.errors) log.warn("prune failed", { platform: input.name, error: e });
  } else if (wentEmpty) {
    log.warn("desired set went empty; nothing pruned (set allowEmpty: true to mean it)", {
      platform: input.name,
    });
  }
}

/** The platform's status from what the steps left: kept in memory, and stored when it changed. */
async function settleStatus(
  input: PlatformInput,
  platform: PlatformTarget,
  run: PlatformRun,
): Promise<PlatformResult> {
  const { doc, log } = input;
  // Health of each component and object, from the watch cache, which must watch every kind
  // the deployments own (objects this process did not apply: a failed sync after a restart).
  const now = new Date().toISOString();
  await watchKinds(input.cache, run.work.flatMap(inventoryAfter));
  const deployments = run.work.map((w) => deploymentStatus(input, w, inventoryAfter(w), now));
  const releases = run.releases ?? (await releasesAsStored(input));
  // Listing what we did not create: when asked, or when a deployment's inputs changed. It is
  // memory-only status, so it runs beside the status write and the events, not before them
  // (the next push's reconcile waits for this one's tail).
  const rendered = run.work.filter((w) => w.plan?.render !== false && w.commit !== undefined);
  const listedUnmanaged = input.listUnmanaged || rendered.length > 0;
  const listing = listedUnmanaged
    ? listUnmanaged(input.client, platform.namespace).catch((err: unknown) => {
        log.warn("listing unmanaged objects failed", {
          platform: input.name,
          error: describeError(err),
        });
        return input.unmanaged;
      })
    : Promise.resolve(input.unmanaged);
  const status: PlatformStatus = {
    name: input.name,
    system: input.system,
    namespace: platform.namespace,
    cluster: doc.spec.cluster?.context ?? "",
    deployments,
    releases: releases.statuses,
    unmanaged: input.unmanaged,
    lastSyncTime: now,
  };
  const stored = {
    ...toStored(status, releases.states),
    ...(run.orphans.length > 0 ? { orphans: run.orphans } : {}),
  };
  const target = {
    client: input.client,
    cache: input.cache,
    platform: input.name,
    namespace: platform.namespace,
  };
  [status.unmanaged] = await Promise.all([
    listing,
    writeStatus(target, stored).catch((err: unknown) =>
      log.warn("writing status failed", { platform: input.name, error: describeError(err) }),
    ),
    recordEvents(input, platform, run),
  ]);
  return {
    status,
    stored,
    listedUnmanaged,
    work: {
      rendered: rendered.length,
      compared: run.work.filter((w) => w.compared).length,
      releaseRendered: releases.work.rendered,
      releaseCompared: releases.work.compared,
    },
    ...(releases.requeueAtMs ? { requeueAtMs: releases.requeueAtMs } : {}),
  };
}

function namespaceObject(platform: PlatformTarget): KubernetesObject {
  return withDesiredHash({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: platform.namespace,
      labels: {
        [labels.managedBy]: managedByValue,
        [labels.platform]: platform.name,
        [labels.owner]: "platform",
      },
    },
  });
}

/** Events only for what happened: a no-op resync records none. */
async function recordEvents(
  input: PlatformInput,
  platform: PlatformTarget,
  run: PlatformRun,
): Promise<void> {
  const { work, pruned } = run;
  const events: Promise<void>[] = [];
  const say = (reason: Parameters<typeof recordEvent>[2], message: string) =>
    events.push(
      recordEvent(input.client, platform.namespace, reason, message).catch(() => undefined),
    );
  for (const w of work) {
    const written = w.applied?.written.length ?? 0;
    if (written > 0)
      say("Applied", `${w.ref} at ${w.commit?.slice(0, 12)}: ${written} objects written`);
    const before = w.previous;
    if (
      w.error !== undefined &&
      (before?.state !== "Failed" || before.lastError !== describeError(w.error))
    ) {
      say("SyncFailed", `${w.ref}: ${describeError(w.error)}`);
    }
    if (
      w.conflicts.length > 0 &&
      canonicalJson(w.conflicts) !== canonicalJson(before?.conflicts ?? [])
    ) {
      say(
        "Conflict",
        `${w.ref}: ${w.conflicts.map((c) => `${c.kind} ${c.name}`).join(", ")} exist without our label`,
      );
    }
  }
  if (pruned.length > 0)
    say(
      "Pruned",
      `${pruned.length} objects deleted: ${pruned.map((e) => `${e.kind} ${e.name}`).join(", ")}`.slice(
        0,
        1000,
      ),
    );
  await Promise.all(events);
}
