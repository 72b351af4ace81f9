// What the status API serves (DESIGN §6) and the read-only view it is served
// from. The shapes mirror the KubeFox v0 API where it has the same thing
// (`id`, `kind`, `apiVersion`, `metadata` with title and description, `gitRepo`,
// `gitHash`, `gitRef`, `apps`, `vars`, `secrets`, `components`, a status with
// `ready`); the rest is this controller's own and documented in the README.
// The controller implements StatusView (controller/status-view.ts); nothing
// here imports the controller.
import type { EnvironmentDoc } from "../../schemas/environment.js";
import type { PlatformDoc } from "../../schemas/platform.js";
import type { AppDoc } from "../../schemas/app.js";

export const apiBase = "/api/kubefox/v0";
export const apiVersion = "kubefox.io/v1alpha1";

/** KubeFox's metadata: the name, and for a system its title and description. */
export interface Metadata {
  name: string;
  title?: string;
  description?: string;
}

export interface SystemObject {
  kind: "System";
  apiVersion: string;
  /** The commit the system was read from. */
  id: string;
  metadata: Metadata;
  /** The watched repository (credentials masked). */
  gitRepo: string;
  /** The commit's first 7 hex digits, as KubeFox shows it. */
  gitHash: string;
  /** How it was asked for: `branch/main`, `tag/v1.0.0`, `id/<commit>`. */
  gitRef: string;
  /** The commit's subject line. */
  message?: string;
  apps: Record<string, AppDoc["spec"]>;
}

export interface RepositoryStatusObject {
  source: string;
  controlBranch?: string;
  controlId?: string;
  controlProblems: string[];
  lastFetchTime?: string;
  lastSyncTime?: string;
  lastError?: string;
  syncs: number;
  /** True once its first sync finished. */
  synced: boolean;
}

/** `system/{name}`: the system as the control branch names it, and what runs of it where. */
export interface SystemHead {
  kind: "System";
  apiVersion: string;
  /** The control branch's commit ("" before the first fetch). */
  id: string;
  metadata: Metadata;
  gitRepo: string;
  gitRef?: string;
  status: {
    repository: RepositoryStatusObject;
    /** `<platform>/<ref>` of every deployment of this system. */
    deployments: string[];
    /** `<platform>/<environment>` of every release of this system. */
    releases: string[];
  };
}

export type ControlKind = "environment" | "config";

interface ControlObjectBase {
  apiVersion: string;
  /** The Git blob id of its file (DESIGN §6). */
  id: string;
  metadata: Metadata;
  /** The system whose repository holds it. */
  system: string;
  /** Where it was read: `branch/<control branch>` or `tag/<tag>`; absent when asked for by id. */
  gitRef?: string;
  /** The commit it was read from, first 7 hex digits. */
  gitHash: string;
}

export type EnvironmentObject = ControlObjectBase & {
  kind: "Environment";
} & EnvironmentDoc["spec"];

export interface SecretReference {
  secretRef: { name: string; key: string };
}

export interface ConfigObject extends ControlObjectBase {
  kind: "Config";
  components: Record<string, { vars: Record<string, string | number | boolean> }>;
  /** References to Kubernetes Secrets; never a value. */
  secrets: Record<string, SecretReference>;
}

export type State = "Pending" | "Progressing" | "Ready" | "Degraded" | "Failed";

export interface ComponentHealth {
  app: string;
  component: string;
  deployment: string;
  state: State;
  replicas: string;
  /** The commit at which its pod template last changed: the commit its pods run. */
  commit?: string;
  message?: string;
}

/** An applied object that is not Ready, with why (controller/reconcile/status.ts). */
export interface NotReadyObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  state: State;
  message: string;
}

export interface ObjectStatus {
  kind: string;
  name: string;
  namespace?: string;
  message: string;
}

export interface InventoryEntry {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface UnmanagedObject {
  apiVersion: string;
  kind: string;
  name: string;
  managers: string[];
}

/** A deployment's status as the controller keeps it (controller/reconcile/status.ts). */
export interface DeploymentStatusInput {
  ref: string;
  id: string;
  appliedId: string;
  environment?: string;
  state: State;
  components: ComponentHealth[];
  /** Applied objects that are not Ready, with why; absent when all are. */
  notReady?: NotReadyObject[];
  conflicts: ObjectStatus[];
  warnings: string[];
  lastError?: string;
  lastErrorCode?: string;
  lastSyncTime?: string;
  lastTransitionTime?: string;
  inventory: InventoryEntry[];
}

/** A platform's status as the controller keeps it; `releases` once releases exist (issue 5). */
export interface PlatformStatusInput {
  name: string;
  system: string;
  namespace: string;
  cluster: string;
  deployments: DeploymentStatusInput[];
  unmanaged: UnmanagedObject[];
  lastError?: string;
  lastSyncTime?: string;
  releases?: unknown;
}

export interface DeploymentObject {
  kind: "Deployment";
  apiVersion: string;
  platform: string;
  system: string;
  ref: string;
  environment?: string;
  status: Omit<DeploymentStatusInput, "ref" | "environment"> & {
    /** KubeFox's flag: state is Ready. */
    ready: boolean;
  };
}

export interface ReleaseObject {
  kind: "Release";
  apiVersion: string;
  platform: string;
  system: string;
  environment: string;
  ref: string;
  /**
   * The release's state as the controller reports it (state, active, pending,
   * history, components: see controller/reconcile/release.ts), with KubeFox's
   * `ready`; absent until its first reconcile.
   */
  status?: Record<string, unknown> & { ready: boolean };
}

export interface PlatformObject {
  kind: "Platform";
  apiVersion: string;
  /** The Git blob id of its file on the control branch. */
  id: string;
  metadata: Metadata;
  system: string;
  cluster: { context?: string };
  namespace: string;
  policy: PlatformDoc["spec"]["policy"];
  allowEmpty: boolean;
  deployments: PlatformDoc["spec"]["deployments"];
  releases: PlatformDoc["spec"]["releases"];
  status: {
    /** Every deployment Ready and no platform error. */
    healthy: boolean;
    lastSyncTime?: string;
    lastError?: string;
    deployments: DeploymentObject[];
    releases: ReleaseObject[];
    unmanaged: UnmanagedObject[];
  };
}

export interface PodNode {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  node?: string;
}

export interface ReplicaSetNode {
  name: string;
  /** The Deployment's revision this ReplicaSet holds. */
  revision?: string;
  replicas: number;
  readyReplicas: number;
  pods: PodNode[];
}

export interface DeploymentNode {
  name: string;
  ref?: string;
  commit?: string;
  environment?: string;
  state?: State;
  replicas: string;
  replicaSets: ReplicaSetNode[];
}

export interface ServiceNode {
  name: string;
  type: string;
  ports: { name?: string; port: number; nodePort?: number }[];
}

export interface IngressNode {
  name: string;
  environment?: string;
  hosts: string[];
}

export interface Topology {
  kind: "Topology";
  platform: string;
  namespace: string;
  system: string;
  apps: {
    name: string;
    components: {
      name: string;
      deployments: DeploymentNode[];
      services: ServiceNode[];
      ingresses: IngressNode[];
    }[];
  }[];
  /** Ingresses of the platform that belong to no one component (a release's). */
  ingresses: IngressNode[];
}

export interface SyncEventData {
  time: string;
  repo: string;
  reason: string;
  fetch: boolean;
  ms: number;
  result: "ok" | "error";
  error?: string;
}

export interface PlatformEventData {
  time: string;
  repo: string;
  platform: string;
  writes: number;
  ms: number;
  deployments: { ref: string; id: string; state: State }[];
}

export type PodChange = "created" | "ready" | "restarted" | "deleted";

export interface PodEventData {
  time: string;
  change: PodChange;
  namespace: string;
  name: string;
  platform?: string;
  app?: string;
  component?: string;
  ref?: string;
  commit?: string;
  phase: string;
  ready: boolean;
  restarts: number;
  node?: string;
}

export type StreamEvent =
  | { event: "sync"; data: SyncEventData }
  | { event: "platform"; data: PlatformEventData }
  | { event: "pod"; data: PodEventData };

/** How a system is asked for below system/{name}/. */
export type SystemAt = { id: string } | { branch: string } | { tag: string };

/** How an environment or config is asked for; none: as on the control branch. */
export type ControlAt = { id: string } | { tag: string } | undefined;

/**
 * The read-only view the API is answered from. `undefined` means not found
 * (404); other failures throw ApiError (webhooks/api/envelope.ts).
 */
export interface StatusView {
  systemNames(): Promise<string[]>;
  systemHead(name: string): Promise<SystemHead | undefined>;
  /** Commits worth listing: what branches and tags point at, and the control branch's recent history. */
  systemIds(name: string): Promise<string[] | undefined>;
  systemBranches(name: string): Promise<string[] | undefined>;
  systemTags(name: string): Promise<string[] | undefined>;
  systemAt(name: string, at: SystemAt): Promise<SystemObject | undefined>;

  controlNames(kind: ControlKind): Promise<string[]>;
  controlObject(
    kind: ControlKind,
    name: string,
    at?: ControlAt,
  ): Promise<EnvironmentObject | ConfigObject | undefined>;
  controlIds(kind: ControlKind, name: string): Promise<string[] | undefined>;
  controlTags(kind: ControlKind, name: string): Promise<string[] | undefined>;

  platformNames(): Promise<string[]>;
  platform(name: string): Promise<PlatformObject | undefined>;
  topology(name: string): Promise<Topology | undefined>;

  /** Sync results and pod lifecycle as they happen; returns the unsubscribe. */
  subscribe(listener: (event: StreamEvent) => void): () => void;
}
