// Incremental work for releases (issue 17), as deployment-memo.ts is for
// deployments: each version and front a release rendered, kept by the inputs it
// was rendered from (the platform, the environment as the control branch has
// it, the ref and the commit), and what each apply of those objects found in the
// cluster. A reconcile whose release inputs are unchanged reuses the renders;
// an apply of objects whose every live copy is still at the resourceVersion
// the last clean apply left is skipped (anyone else's edit or delete moves it,
// so drift is still undone by the full compare).
import type { KubernetesObject } from "@kubernetes/client-node";
import { contentHash } from "../cluster/drift.js";
import type { PlatformTarget } from "../render/input.js";
import type { ReleaseTarget } from "../render/release.js";
import type { CleanApply } from "./deployment-memo.js";

/** Everything a release's render of one part reads. The commit stands for the system's whole tree. */
export interface ReleaseRenderInputs {
  part: "version" | "front";
  platform: PlatformTarget;
  target: ReleaseTarget;
  commit: string;
}

export function releaseRenderKey(inputs: ReleaseRenderInputs): string {
  return contentHash({
    part: inputs.part,
    platform: inputs.platform,
    target: inputs.target,
    commit: inputs.commit,
  });
}

interface Entry {
  objects: KubernetesObject[];
  clean?: CleanApply;
}

/**
 * One platform's release renders, by input key. Only what the last reconcile
 * used is kept (at most a candidate and an active version, with their fronts,
 * per release): `sweep` forgets the rest.
 */
export class ReleaseMemo {
  private entries = new Map<string, Entry>();
  private used = new Set<string>();
  /** The entry each rendered array came from: an apply is handed the array itself. */
  private byObjects = new WeakMap<KubernetesObject[], Entry>();

  /** The objects rendered for `key`, rendering them (and counting that) only when none are kept. */
  async render(
    key: string,
    produce: () => Promise<KubernetesObject[]>,
    counted: () => void,
  ): Promise<KubernetesObject[]> {
    this.used.add(key);
    const kept = this.entries.get(key);
    if (kept) return kept.objects;
    counted();
    const objects = await produce();
    const entry: Entry = { objects };
    this.entries.set(key, entry);
    this.byObjects.set(objects, entry);
    return objects;
  }

  /** What the last clean apply of these objects (a rendered array) left. */
  cleanOf(objects: KubernetesObject[]): CleanApply | undefined {
    return this.byObjects.get(objects)?.clean;
  }

  /** After an apply of a rendered array: what it left when clean, or nothing to trust. */
  remember(objects: KubernetesObject[], clean: CleanApply | undefined): void {
    const entry = this.byObjects.get(objects);
    if (!entry) return;
    if (clean) entry.clean = clean;
    else delete entry.clean;
  }

  /** Forgets every render this reconcile did not use (the ref moved, the environment changed). */
  sweep(): void {
    for (const key of this.entries.keys()) if (!this.used.has(key)) this.entries.delete(key);
    this.used = new Set();
  }

  clear(): void {
    this.entries.clear();
    this.used = new Set();
    this.byObjects = new WeakMap();
  }
}
