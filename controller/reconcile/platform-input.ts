// What one reconcile of a platform is handed: the platform file and the control
// branch, how to read Git, the cluster, and what the last reconcile left.
import type { ClusterClient } from "../cluster/client.js";
import type { ManagedCache } from "../cluster/cache.js";
import type { Logger } from "../log.js";
import type { ControlModel } from "../model/load-control.js";
import type { PlatformDoc } from "../../schemas/platform.js";
import type { PlatformStatus } from "../status/status.js";
import type { StoredStatus } from "../status/store.js";
import type { SystemCache } from "./systems.js";
import type { RenderMemo } from "./deployment-memo.js";
import type { ReleaseMemo } from "./release-memo.js";

export interface PlatformInput {
  name: string;
  /** The system's name, from kubefox.yaml on the control branch ("" when it has none). */
  system: string;
  doc: PlatformDoc;
  control: ControlModel;
  /** Ref (e.g. `tag/v*`) to commit; throws RefNotFoundError. */
  resolveRef: (ref: string) => Promise<string>;
  /** Is commit `older` an ancestor of `newer`? (A release moving back rolls back.) */
  isAncestor: (older: string, newer: string) => Promise<boolean>;
  systems: SystemCache;
  client: ClusterClient;
  cache: ManagedCache;
  /** What the last reconcile of this platform left (from memory, or from the cluster after a restart). */
  previous: StoredStatus | undefined;
  /** False after a fetch error or with an unsound control branch: nothing is pruned. */
  allowPrune: boolean;
  /**
   * Refresh the list of objects we did not create (reads every kind; not on every drift),
   * whatever happens; it is refreshed anyway when a deployment renders anew.
   */
  listUnmanaged: boolean;
  /** Last known unmanaged list, kept when not refreshed. */
  unmanaged: PlatformStatus["unmanaged"];
  log: Logger;
  /** What the deployments rendered and found last time, by their inputs (issue 17); none: render all. */
  memo?: RenderMemo;
  /** What the releases rendered and found last time, by their inputs (issue 17); none: render all. */
  releaseMemo?: ReleaseMemo;
}
