// What `kubefox-gitops get` reads, from either place it reads it: the status
// API's own types (schemas/api/), and for a release read from its status
// ConfigMap the release state as stored there (schemas/status/), which has no
// health (the controller computes that from its watch cache).
import type { DeploymentObject } from "../../../schemas/api/deployment-object.js";
import type { ReleaseObject } from "../../../schemas/api/release-object.js";
import type { SystemHead } from "../../../schemas/api/system-head.js";
import type { ReleaseState } from "../../../schemas/status/release-status.js";

export type { DeploymentObject, SystemHead };

/** A release as served (with its health), or as stored in the cluster (without). */
export type ReleaseRecord = Omit<ReleaseObject, "status"> & {
  status?: ReleaseObject["status"] | ReleaseState;
};

/** One platform and everything of it, whichever place it was read from. */
export interface PlatformRecord {
  name: string;
  namespace: string;
  system: string;
  lastSyncTime?: string;
  lastError?: string;
  deployments: DeploymentObject[];
  releases: ReleaseRecord[];
}

/** Everything `get` shows; `repositories` only when read from a server. */
export interface Snapshot {
  platforms: PlatformRecord[];
  repositories?: SystemHead[];
}
