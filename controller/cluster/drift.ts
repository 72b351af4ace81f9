// Decides, from the live object alone, whether an apply is needed. No dry-run
// request and no memory of earlier syncs, so a no-op resync sends zero writes
// even right after a restart:
// - a changed desired-hash annotation means Git changed;
// - a field we set that another field manager now owns means someone edited it
//   (server-side apply moves ownership to whoever changes a field, for updates,
//   patches and `kubectl scale` alike). Status subresource writers are ignored.
// A field someone removed outright leaves no owner behind and is not seen here;
// it comes back on the next change from Git.
import { createHash } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import { annotations, fieldManager, isManaged, labels } from "./labels.js";

export type ApplyReason = "missing" | "changed" | "drifted";

export type Verdict =
  | { action: "apply"; reason: ApplyReason }
  | { action: "skip" }
  /** The object exists and is not ours: never touched. */
  | { action: "conflict" };

/** A field set: the shape of Kubernetes' fieldsV1, with list items collapsed to "*". */
type FieldTree = { [key: string]: FieldTree };

/**
 * The hash of an object's content. The commit labels are left out: which commit an
 * object came from is traceability, not content, so a new commit that renders the
 * same object hashes the same and writes nothing (issue 11).
 */
export function desiredHash(obj: KubernetesObject): string {
  return contentHash(withoutCommitLabels(obj));
}

export function contentHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 32);
}

function withoutCommitLabels(obj: KubernetesObject): KubernetesObject {
  const copy = structuredClone(obj) as KubernetesObject & {
    spec?: { template?: { metadata?: { labels?: Record<string, string> } } };
  };
  delete copy.metadata?.labels?.[labels.commit];
  // Only the pod templates we render carry our commit label (a manifest's are its own).
  if (copy.metadata?.annotations?.[annotations.templateHash]) {
    delete copy.spec?.template?.metadata?.labels?.[labels.commit];
  }
  return copy;
}

/** JSON with object keys sorted, so equal objects hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function verdict(desired: KubernetesObject, live: KubernetesObject | undefined): Verdict {
  if (!live) return { action: "apply", reason: "missing" };
  if (!isManaged(live)) return { action: "conflict" };
  const want = desired.metadata?.annotations?.[annotations.desiredHash];
  if (!want || live.metadata?.annotations?.[annotations.desiredHash] !== want) {
    return { action: "apply", reason: "changed" };
  }
  return editedByOthers(desired, live)
    ? { action: "apply", reason: "drifted" }
    : { action: "skip" };
}

/** True when a manager other than ours owns a field that the desired object sets. */
export function editedByOthers(desired: KubernetesObject, live: KubernetesObject): boolean {
  const ours = fieldTreeOf(desired);
  for (const entry of live.metadata?.managedFields ?? []) {
    if (entry.manager === fieldManager || entry.subresource === "status") continue;
    if (intersects(ours, normalize(entry.fieldsV1 as FieldTree | undefined))) return true;
  }
  return false;
}

/** The fields an object sets, in fieldsV1's shape (identity fields left out). */
export function fieldTreeOf(obj: KubernetesObject): FieldTree {
  const {
    apiVersion: _a,
    kind: _k,
    status: _s,
    ...rest
  } = obj as KubernetesObject & { status?: unknown };
  const tree = walk(rest);
  const meta = tree["f:metadata"];
  if (meta) {
    delete meta["f:name"];
    delete meta["f:namespace"];
  }
  return tree;
}

function walk(value: unknown): FieldTree {
  if (Array.isArray(value)) {
    // A list of objects is keyed per item in fieldsV1; a list of scalars is one field.
    const objects = value.filter((v) => v && typeof v === "object" && !Array.isArray(v));
    if (objects.length === 0) return {};
    const item: FieldTree = {};
    for (const o of objects) merge(item, walk(o));
    return { "*": item };
  }
  if (value && typeof value === "object") {
    const tree: FieldTree = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) tree[`f:${k}`] = walk(v);
    }
    return tree;
  }
  return {};
}

function merge(into: FieldTree, from: FieldTree): void {
  for (const [k, v] of Object.entries(from)) merge((into[k] ??= {}), v);
}

function normalize(tree: FieldTree | undefined): FieldTree {
  const out: FieldTree = {};
  for (const [k, v] of Object.entries(tree ?? {})) {
    if (k === ".") continue;
    const key = /^[kvi]:/.test(k) ? "*" : k;
    merge((out[key] ??= {}), normalize(v));
  }
  return out;
}

function intersects(ours: FieldTree, theirs: FieldTree): boolean {
  for (const [k, sub] of Object.entries(theirs)) {
    const mine = ours[k];
    if (!mine) continue;
    const theirLeaf = Object.keys(sub).length === 0;
    const myLeaf = Object.keys(mine).length === 0;
    if (theirLeaf || myLeaf || intersects(mine, sub)) return true;
  }
  return false;
}
