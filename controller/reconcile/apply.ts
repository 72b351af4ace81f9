// Applies a desired set: in dependency order, in parallel within a step (with a
// bound), writing only what the live object says is missing, changed or drifted.
// An object that exists without our label is a conflict and is left alone; a
// platform's Namespace made beforehand is used as it is.
import type { KubernetesObject } from "@kubernetes/client-node";
import { apiMessage, refKey, refOf, type ClusterClient } from "../cluster/client.js";
import type { ManagedCache } from "../cluster/cache.js";
import { verdict, type ApplyReason } from "../cluster/drift.js";
import { mapBounded } from "../cluster/limit.js";
import { errorCode, type ErrorCode } from "../errors.js";
import { inApplyOrder } from "../render/order.js";
import { keepCommitLabels } from "./commit-labels.js";
import type { InventoryEntry, ObjectStatus } from "../status/status.js";

export interface ApplyResult {
  /** Objects written, with why. */
  written: { entry: InventoryEntry; reason: ApplyReason }[];
  unchanged: number;
  conflicts: ObjectStatus[];
  /** Objects whose write failed, with the error's code (ClusterUnavailable: retried). */
  errors: (ObjectStatus & { code?: ErrorCode })[];
  /** Everything of the desired set that is ours in the cluster now. */
  inventory: InventoryEntry[];
  /**
   * Each inventory object's resourceVersion as this apply judged or wrote it, by refKey:
   * a later change is someone else's (the render memo's drift check, issue 17).
   */
  resourceVersions: Map<string, string>;
}

export interface ApplyOptions {
  concurrency?: number;
}

export async function applyAll(
  client: ClusterClient,
  cache: ManagedCache,
  objects: KubernetesObject[],
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const result: ApplyResult = {
    written: [],
    unchanged: 0,
    conflicts: [],
    errors: [],
    inventory: [],
    resourceVersions: new Map(),
  };
  for (const step of inApplyOrder(objects)) {
    const unseen = await lookUpUnseen(client, cache, step);
    // As many as the cluster client sends at once: a push of 10 new images is one round trip.
    await mapBounded(step, options.concurrency ?? 16, (obj) =>
      applyOne(client, cache, obj, result, unseen),
    );
    // Later steps depend on earlier ones (a Deployment on its ConfigMap): stop at the first failed step.
    if (result.errors.length > 0) break;
  }
  // Parallel applies finish in any order; status is compared as JSON to decide whether
  // to write it, so what goes into it must come out the same way every time.
  const byKey = (a: { kind: string; name: string; namespace?: string }, b: typeof a) =>
    `${a.kind}/${a.namespace ?? ""}/${a.name}`.localeCompare(
      `${b.kind}/${b.namespace ?? ""}/${b.name}`,
    );
  result.inventory.sort(byKey);
  result.conflicts.sort(byKey);
  result.errors.sort(byKey);
  result.written.sort((a, b) => byKey(a.entry, b.entry));
  return result;
}

/** What the cluster has, labelled or not, of objects the watch cache does not hold. */
type Unseen = Map<string, KubernetesObject | undefined>;

/**
 * The cache holds only objects with our label, so an object it lacks is either
 * missing or someone else's. One list per kind and namespace tells which for all
 * of them (a cold sync of N objects would otherwise read N times before writing).
 */
async function lookUpUnseen(
  client: ClusterClient,
  cache: ManagedCache,
  step: KubernetesObject[],
): Promise<Unseen> {
  const unseen: Unseen = new Map();
  const groups = new Map<
    string,
    { apiVersion: string; kind: string; namespace?: string; names: string[] }
  >();
  for (const obj of step) {
    const ref = refOf(obj);
    if (!(await cache.ensure(ref.apiVersion, ref.kind).catch(() => false))) continue;
    if (cache.get(ref)) continue;
    const key = `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ""}`;
    const group = groups.get(key) ?? {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      namespace: ref.namespace,
      names: [],
    };
    group.names.push(ref.name);
    groups.set(key, group);
  }
  for (const [key, group] of groups) {
    // A single object is cheaper to read than its whole kind.
    if (group.names.length < 2) continue;
    const listed = await client
      .list(group.apiVersion, group.kind, group.namespace ? { namespace: group.namespace } : {})
      .catch(() => undefined);
    if (!listed) continue; // fall back to one read per object
    const byName = new Map(listed.items.map((o) => [o.metadata?.name ?? "", o]));
    for (const name of group.names) unseen.set(`${key}/${name}`, byName.get(name));
  }
  return unseen;
}

async function applyOne(
  client: ClusterClient,
  cache: ManagedCache,
  desired: KubernetesObject,
  result: ApplyResult,
  unseen: Unseen,
) {
  const ref = refOf(desired);
  const status = (message: string): ObjectStatus => ({
    kind: ref.kind,
    name: ref.name,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    message,
  });
  try {
    const resource = await client.resource(ref.apiVersion, ref.kind);
    if (!resource) {
      result.errors.push(status(`the cluster has no kind ${ref.kind} in ${ref.apiVersion}`));
      return;
    }
    let obj = desired;
    if (!resource.namespaced && ref.namespace) {
      obj = { ...desired, metadata: { ...desired.metadata, namespace: undefined } };
      delete ref.namespace;
    }
    await cache.ensure(ref.apiVersion, ref.kind);
    // The cache holds only objects with our label; anything else needs one read to tell
    // "missing" from "someone else's".
    const unseenKey = `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ""}/${ref.name}`;
    const live =
      cache.get(ref) ?? (unseen.has(unseenKey) ? unseen.get(unseenKey) : await client.get(ref));
    const v = verdict(obj, live);
    if (v.action === "conflict") {
      if (ref.kind === "Namespace") return; // made beforehand: used as it is, never labelled
      result.conflicts.push(
        status(`exists without the label app.kubernetes.io/managed-by=kubefox-gitops: left alone`),
      );
      return;
    }
    const entry: InventoryEntry = {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      name: ref.name,
      ...(ref.namespace ? { namespace: ref.namespace } : {}),
    };
    let judged = live;
    if (v.action === "apply") {
      judged = await client.apply(keepCommitLabels(obj, live));
      cache.observe(judged);
      result.written.push({ entry, reason: v.reason });
    } else {
      result.unchanged++;
    }
    result.inventory.push(entry);
    const version = judged?.metadata?.resourceVersion;
    if (version) result.resourceVersions.set(refKey(entry), version);
  } catch (err) {
    result.errors.push({
      ...status(apiMessage(err)),
      code: errorCode(err),
    });
  }
}
