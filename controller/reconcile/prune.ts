// Prune (DESIGN §3): deletes only objects that we applied before for this
// platform, that are no longer desired, and that still carry our labels for
// this platform. Callers run it only after every apply of the platform
// succeeded, and never on a fetch error or an unexplained empty desired set.
import type { ClusterClient } from "../cluster/client.js";
import { refKey } from "../cluster/client.js";
import type { ManagedCache } from "../cluster/cache.js";
import { isManaged, labels } from "../cluster/labels.js";
import { mapBounded } from "../cluster/limit.js";
import { inDeleteOrder } from "../render/order.js";
import type { InventoryEntry } from "../status/status.js";

/** Entries of the previous inventory that the desired set no longer has. */
export function planPrune(previous: InventoryEntry[], desired: InventoryEntry[]): InventoryEntry[] {
  const keep = new Set(desired.map(refKey));
  const seen = new Set<string>();
  return previous.filter((e) => {
    const key = refKey(e);
    if (keep.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface PruneResult {
  deleted: InventoryEntry[];
  /** Entries skipped because the live object is no longer ours (relabelled by someone). */
  skipped: InventoryEntry[];
  /** Entries whose delete failed: tried again on the next sync. */
  failed: InventoryEntry[];
  errors: string[];
}

export async function prune(
  client: ClusterClient,
  cache: ManagedCache,
  platform: string,
  entries: InventoryEntry[],
): Promise<PruneResult> {
  const result: PruneResult = { deleted: [], skipped: [], failed: [], errors: [] };
  const asObjects = entries.map((e) => ({
    apiVersion: e.apiVersion,
    kind: e.kind,
    metadata: { name: e.name, namespace: e.namespace },
    entry: e,
  }));
  for (const step of inDeleteOrder(asObjects)) {
    await mapBounded(step, 8, async ({ entry }) => {
      try {
        const live = cache.get(entry) ?? (await client.get(entry));
        if (!live) return; // already gone
        if (!isManaged(live) || live.metadata?.labels?.[labels.platform] !== platform) {
          result.skipped.push(entry);
          return;
        }
        await client.delete(entry);
        result.deleted.push(entry);
      } catch (err) {
        result.failed.push(entry);
        result.errors.push(`${entry.kind} ${entry.name}: ${(err as Error).message}`);
      }
    });
  }
  return result;
}
