// The deployments' part of a platform's reconcile: each deployment's ref
// resolved, its system loaded, validated and rendered, applied, and its status
// built from what happened. A deployment that fails keeps what it ran before.
import type { KubernetesObject } from "@kubernetes/client-node";
import { refKey, refOf } from "../cluster/client.js";
import {
  describeError,
  errorCode,
  formatProblem,
  PolicyError,
  ValidationError,
} from "../errors.js";
import { manifestRefusals } from "../render/refusals.js";
import { renderDeployment } from "../render/deployment.js";
import type { PlatformTarget } from "../render/input.js";
import { applyAll, type ApplyResult } from "./apply.js";
import { applyFailure } from "./apply-failure.js";
import { environmentContext, requireEnvironment } from "./environment.js";
import { componentHealth, notReadyObjects } from "./health.js";
import type { PlatformInput } from "./platform-input.js";
import {
  worst,
  type DeploymentStatus,
  type InventoryEntry,
  type ObjectStatus,
  type State,
} from "../status/status.js";
import { atCommit } from "./systems.js";
import {
  deploymentInputKey,
  planDeployment,
  untouchedSince,
  type DeploymentPlan,
  type MemoEntry,
} from "./deployment-memo.js";

/** One deployment's reconcile, as its steps fill it in. */
export interface DeploymentWork {
  ref: string;
  environment?: string;
  previous?: Omit<DeploymentStatus, "lastSyncTime">;
  commit?: string;
  objects?: KubernetesObject[];
  warnings: string[];
  conflicts: ObjectStatus[];
  error?: unknown;
  applied?: ApplyResult;
  /** What this reconcile does for it (issue 17): absent when nothing was memoised. */
  plan?: DeploymentPlan;
  /** Its entry in the platform's render memo, when it has one. */
  memo?: MemoEntry;
  /** Its objects were compared with the live ones this reconcile. */
  compared?: boolean;
}

/** Resolve the ref, load and validate that commit's system, render it; a failure is recorded, not thrown. */
export async function renderOne(
  input: PlatformInput,
  platform: PlatformTarget,
  w: DeploymentWork,
): Promise<void> {
  try {
    w.commit = await input.resolveRef(w.ref);
    // Inputs unchanged since the last reconcile: its render is reused (issue 17).
    const key = inputKey(input, platform, w.ref, w.commit, w.environment);
    const entry = key === undefined ? undefined : input.memo?.get(w.ref);
    if (key !== undefined) {
      const untouched = untouchedSince(
        entry?.clean,
        (ref) => input.cache.get(ref)?.metadata?.resourceVersion,
      );
      w.plan = planDeployment(entry, key, untouched);
      if (!w.plan.render && entry) {
        w.memo = entry;
        w.objects = entry.objects;
        w.warnings = entry.warnings;
        return;
      }
    }
    const loaded = await input.systems.get(w.commit);
    if (!loaded.ok) throw new ValidationError(loaded.problems);
    // What the platform refuses in the manifests, at each field: the check validate and render make.
    const refused = manifestRefusals(loaded.model, platform);
    if (refused.length > 0) throw new PolicyError(refused.map(formatProblem).join("\n"));
    const environment = w.environment
      ? environmentContext(input.control, w.environment)
      : undefined;
    // A deployment that names an environment takes it whole: what it lacks is an error.
    if (environment) requireEnvironment(loaded.model, environment);
    const rendered = renderDeployment(atCommit(loaded.model, w.commit), platform, {
      ref: w.ref,
      ...(environment ? { environment } : {}),
    });
    if (rendered.refusals.length > 0) throw new PolicyError(rendered.refusals.join("\n"));
    w.objects = rendered.objects;
    w.warnings = rendered.warnings;
    if (key !== undefined && input.memo) {
      w.memo = { key, objects: rendered.objects, warnings: rendered.warnings };
      input.memo.set(w.ref, w.memo);
    }
  } catch (err) {
    w.error = err;
  }
}

/** The deployment's input key; undefined without a memo, or when its environment is unusable (render says why). */
function inputKey(
  input: PlatformInput,
  platform: PlatformTarget,
  ref: string,
  commit: string,
  environmentName: string | undefined,
): string | undefined {
  if (!input.memo) return undefined;
  let environment;
  try {
    environment = environmentName ? environmentContext(input.control, environmentName) : undefined;
  } catch {
    return undefined;
  }
  return deploymentInputKey({ platform, ref, commit, ...(environment ? { environment } : {}) });
}

/** Two deployments that render the same object (a raw manifest in both refs): the first keeps it. */
export function claimOnce(work: DeploymentWork[]): void {
  const owner = new Map<string, string>();
  for (const w of work) {
    if (!w.objects) continue;
    w.objects = w.objects.filter((obj) => {
      const key = refKey(refOf(obj));
      const first = owner.get(key);
      if (!first) {
        owner.set(key, w.ref);
        return true;
      }
      w.conflicts.push({
        kind: obj.kind ?? "",
        name: obj.metadata?.name ?? "",
        message: `also rendered by deployment ${first}, which keeps it`,
      });
      return false;
    });
  }
}

/** Apply what rendered; objects that are not ours are conflicts, failed writes the error. */
export async function applyDeployment(input: PlatformInput, w: DeploymentWork): Promise<void> {
  const clean = w.memo?.clean;
  // Same inputs, and nothing in the cluster moved since its last clean apply: nothing to compare.
  if (w.plan?.apply === false && clean && w.conflicts.length === 0) {
    w.applied = {
      written: [],
      unchanged: w.objects!.length,
      conflicts: [],
      errors: [],
      inventory: clean.inventory,
      resourceVersions: clean.resourceVersions,
    };
    return;
  }
  w.compared = true;
  w.applied = await applyAll(input.client, input.cache, w.objects!);
  w.conflicts.push(...w.applied.conflicts);
  if (w.applied.errors.length > 0) w.error = applyFailure(w.applied.errors);
  if (w.memo) rememberApply(w.memo, w.conflicts.length === 0 ? w.applied : undefined);
}

/** After a clean apply, each object's resourceVersion as the apply found or wrote it. */
function rememberApply(entry: MemoEntry, applied: ApplyResult | undefined) {
  if (!applied || applied.errors.length > 0) {
    delete entry.clean;
    return;
  }
  // Not the cache's version now: an edit that landed after the compare must still be seen.
  entry.clean = { inventory: applied.inventory, resourceVersions: applied.resourceVersions };
}

/** What a deployment owns after this sync: what it applied, or, when it failed, what it had. */
export function inventoryAfter(w: DeploymentWork): InventoryEntry[] {
  if (w.applied && w.applied.errors.length === 0 && !w.error) return w.applied.inventory;
  // A failed apply may have written part of the new set: keep the old and the new.
  const kept = w.previous?.inventory ?? [];
  const partial = w.applied?.inventory ?? [];
  const seen = new Set(kept.map(refKey));
  return [...kept, ...partial.filter((e) => !seen.has(refKey(e)))];
}

export function deploymentStatus(
  input: PlatformInput,
  w: DeploymentWork,
  inventory: InventoryEntry[],
  now: string,
): DeploymentStatus {
  const failed = w.error !== undefined;
  const appliedId = failed ? (w.previous?.appliedId ?? "") : (w.commit ?? "");
  const components = componentHealth(input.cache, inventory);
  // Every object it applied counts, not only its Deployments (issue 15).
  const notReady = notReadyObjects(input.cache, inventory);
  const state: State = failed ? "Failed" : worst([...components, ...notReady].map((c) => c.state));
  const error = failed ? describeError(w.error) : undefined;
  const transitioned = w.previous?.state !== state || w.previous?.lastError !== error;
  return {
    ref: w.ref,
    id: w.commit ?? w.previous?.id ?? "",
    appliedId,
    ...(w.environment ? { environment: w.environment } : {}),
    state,
    components,
    ...(notReady.length > 0 ? { notReady } : {}),
    conflicts: w.conflicts,
    warnings: w.warnings,
    ...(error
      ? {
          lastError: error,
          lastErrorCode: errorCode(w.error),
        }
      : {}),
    lastSyncTime: now,
    lastTransitionTime: transitioned ? now : (w.previous?.lastTransitionTime ?? now),
    inventory,
  };
}
