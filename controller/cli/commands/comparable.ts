// What `diff` compares of a live object and of what a dry-run apply made of it
// (issue 15): the object without the fields that differ on every write or that
// are not content, and, for a Secret, its values masked. Pure.
import type { KubernetesObject } from "@kubernetes/client-node";
import { annotations, labels } from "../../cluster/labels.js";

type Json = Record<string, unknown>;

/** Set by the API server on every write, or not ours to set. */
const serverFields = ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"];

/**
 * The object as diff shows it: no status, no server bookkeeping, no commit label
 * (which commit an object came from is traceability, not content; README "Labels
 * and annotations") and no desired-hash annotation (a hash of what the diff shows).
 */
export function comparable(obj: KubernetesObject): Json {
  const copy = structuredClone(obj) as Json & { metadata?: Json; spec?: Json };
  delete copy.status;
  const metadata = copy.metadata;
  if (metadata) {
    for (const field of serverFields) delete metadata[field];
    dropKey(metadata, "labels", labels.commit);
    dropKey(metadata, "annotations", annotations.desiredHash);
  }
  const template = (copy.spec?.template as { metadata?: Json } | undefined)?.metadata;
  if (template) {
    dropKey(template, "labels", labels.commit);
    if (isEmpty(template.creationTimestamp)) delete template.creationTimestamp;
  }
  return copy;
}

/** Deletes `map[key]`, and `map` itself once empty. */
function dropKey(parent: Json, map: string, key: string): void {
  const values = parent[map] as Record<string, string> | undefined;
  if (!values) return;
  delete values[key];
  if (Object.keys(values).length === 0) delete parent[map];
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined;
}

/** The text diff shows in place of a Secret's value, which it never prints. */
export const MASK = "***";

/**
 * A Secret's `data` and `stringData` values masked, in the live and the desired
 * object alike, so that a changed value still shows as changed, as `kubectl diff`
 * does: equal values are `***` on both sides, different ones `*** (before)` and
 * `*** (after)`. Other kinds are returned as they are.
 */
export function maskSecrets(
  live: Json | undefined,
  desired: Json | undefined,
): { live: Json | undefined; desired: Json | undefined } {
  const kind = (live ?? desired)?.kind;
  if (kind !== "Secret") return { live, desired };
  const out = { live: live && { ...live }, desired: desired && { ...desired } };
  for (const field of ["data", "stringData"]) {
    const before = (live?.[field] ?? {}) as Record<string, string>;
    const after = (desired?.[field] ?? {}) as Record<string, string>;
    const mask = (values: Record<string, string>, other: Record<string, string>, when: string) =>
      Object.fromEntries(
        Object.keys(values).map((k) => [
          k,
          k in other && other[k] !== values[k] ? `${MASK} (${when})` : MASK,
        ]),
      );
    if (out.live?.[field]) out.live[field] = mask(before, after, "before");
    if (out.desired?.[field]) out.desired[field] = mask(after, before, "after");
  }
  return out;
}
