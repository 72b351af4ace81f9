// What applying (or pruning) one object would change, as `diff` prints it
// (issue 15): the live object against what a server-side dry-run apply made of
// the desired one, both made comparable and masked, as YAML with sorted keys so
// that only content shows. Pure.
import type { KubernetesObject } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { isManaged } from "../../cluster/labels.js";
import { comparable, maskSecrets } from "./comparable.js";
import { unifiedDiff } from "./line-diff.js";

export type ObjectChange =
  /** Not in the cluster: applying creates it. */
  | { action: "create"; lines: string[] }
  /** Ours, and applying changes it. */
  | { action: "change"; lines: string[] }
  /** Ours, no longer desired: prune deletes it. */
  | { action: "delete"; lines: string[] }
  | { action: "unchanged" }
  /** Exists without our label: apply leaves it alone. */
  | { action: "conflict" };

/** `ConfigMap ns/name`, or `Namespace name` for a cluster-wide object. */
export function objectName(obj: KubernetesObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ""}${obj.metadata?.name}`;
}

/**
 * `live` as the cluster has it (undefined: missing); `desired` as the dry run
 * returned it (undefined: no longer desired).
 */
export function diffObject(
  live: KubernetesObject | undefined,
  desired: KubernetesObject | undefined,
): ObjectChange {
  const shown = (live ?? desired)!;
  if (live && desired && !isManaged(live)) return { action: "conflict" };
  const masked = maskSecrets(live && comparable(live), desired && comparable(desired));
  const lines = unifiedDiff(
    toYaml(masked.live),
    toYaml(masked.desired),
    `live ${objectName(shown)}`,
    `desired ${objectName(shown)}`,
  );
  if (!live) return { action: "create", lines };
  if (!desired) return { action: "delete", lines };
  return lines.length === 0 ? { action: "unchanged" } : { action: "change", lines };
}

function toYaml(obj: Record<string, unknown> | undefined): string {
  if (!obj) return "";
  return stringify(obj, { lineWidth: 0, aliasDuplicateObjects: false, sortMapEntries: true });
}
