// Incremental work (issue 17): what a deployment rendered, kept by the inputs it
// was rendered from, and what it found in the cluster after its last clean
// apply. A reconcile whose deployment has the same inputs reuses the render;
// when, besides, every object it applied is still in the watch cache at the
// resourceVersion it was left at, nothing in the cluster changed it either,
// and the compare with the live objects is skipped too. Anyone else's edit or
// delete moves the resourceVersion (the watch tells the cache), so drift is
// still found and undone by the full compare.
import type { KubernetesObject } from "@kubernetes/client-node";
import { refKey, type ObjectRef } from "../cluster/client.js";
import { contentHash } from "../cluster/drift.js";
import type { EnvironmentContext, PlatformTarget } from "../render/input.js";
import type { InventoryEntry } from "../status/status.js";

/** Everything a deployment's render reads. The commit stands for the system's whole tree. */
export interface DeploymentInputs {
  platform: PlatformTarget;
  ref: string;
  commit: string;
  environment?: EnvironmentContext;
}

/** A digest of a deployment's inputs: equal keys render equal objects. */
export function deploymentInputKey(inputs: DeploymentInputs): string {
  return contentHash({
    platform: inputs.platform,
    ref: inputs.ref,
    commit: inputs.commit,
    environment: inputs.environment ?? null,
  });
}

/** What a deployment's last clean apply left: its inventory, and each object's resourceVersion then. */
export interface CleanApply {
  inventory: InventoryEntry[];
  resourceVersions: Map<string, string>;
}

export interface MemoEntry {
  key: string;
  objects: KubernetesObject[];
  warnings: string[];
  /** Absent until an apply of exactly these objects wrote or found them all, with no conflict or error. */
  clean?: CleanApply;
}

/** Which steps a deployment needs this reconcile. */
export interface DeploymentPlan {
  render: boolean;
  /** Compare with the live objects (and write what differs). */
  apply: boolean;
}

/**
 * The decision, from the memo of the last reconcile, this reconcile's input
 * key, and whether the cluster still holds what the last clean apply left.
 */
export function planDeployment(
  entry: MemoEntry | undefined,
  key: string,
  untouched: boolean,
): DeploymentPlan {
  if (!entry || entry.key !== key) return { render: true, apply: true };
  if (!entry.clean || !untouched) return { render: false, apply: true };
  return { render: false, apply: false };
}

/** True when every object is in the cache at the resourceVersion recorded for it. */
export function untouchedSince(
  clean: CleanApply | undefined,
  resourceVersionOf: (ref: ObjectRef) => string | undefined,
): boolean {
  if (!clean) return false;
  for (const entry of clean.inventory) {
    const recorded = clean.resourceVersions.get(refKey(entry));
    if (recorded === undefined || resourceVersionOf(entry) !== recorded) return false;
  }
  return true;
}

/** The memo of one platform's deployments, by ref; kept by its runner across reconciles. */
export class RenderMemo {
  private readonly entries = new Map<string, MemoEntry>();

  get(ref: string): MemoEntry | undefined {
    return this.entries.get(ref);
  }

  set(ref: string, entry: MemoEntry): void {
    this.entries.set(ref, entry);
  }

  /** Forgets deployments gone from the platform file. */
  retain(refs: Iterable<string>): void {
    const keep = new Set(refs);
    for (const ref of this.entries.keys()) if (!keep.has(ref)) this.entries.delete(ref);
  }

  clear(): void {
    this.entries.clear();
  }
}
