// Applies a desired set: in dependency order, in parallel within a step (with a
// bound), writing only what the live object says is missing, changed or drifted.
// An object that exists without our label is a conflict and is left alone; a
// platform's Namespace made beforehand is used as it is.
import type { KubernetesObject } from "@kubernetes/client-node";
import { apiMessage, refOf, type ClusterClient } from "../cluster/client.js";
import type { ManagedCache } from "../cluster/cache.js";
import { verdict, type ApplyReason } from "../cluster/drift.js";
import { mapBounded } from "../cluster/limit.js";
import { inApplyOrder } from "../render/order.js";
import type { InventoryEntry, ObjectStatus } from "./status.js";

export interface ApplyResult {
  /** Objects written, with why. */
  written: { entry: InventoryEntry; reason: ApplyReason }[];
  unchanged: number;
  conflicts: ObjectStatus[];
  errors: ObjectStatus[];
  /** Everything of the desired set that is ours in the cluster now. */
  inventory: InventoryEntry[];
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
  };
  for (const step of inApplyOrder(objects)) {
    await mapBounded(step, options.concurrency ?? 8, (obj) => applyOne(client, cache, obj, result));
    // Later steps depend on earlier ones (a Deployment on its ConfigMap): stop at the first failed step.
    if (result.errors.length > 0) break;
  }
  return result;
}

async function applyOne(
  client: ClusterClient,
  cache: ManagedCache,
  desired: KubernetesObject,
  result: ApplyResult,
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
    const live = cache.get(ref) ?? (await client.get(ref));
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
    if (v.action === "apply") {
      await client.apply(obj);
      result.written.push({ entry, reason: v.reason });
    } else {
      result.unchanged++;
    }
    result.inventory.push(entry);
  } catch (err) {
    result.errors.push(status(apiMessage(err)));
  }
}
