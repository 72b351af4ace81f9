// The read-only view the status API (DESIGN §6) is answered from, and the
// names of what it serves. The shapes are JSON Schemas in schemas/api/ and
// schemas/status/ (they mirror the KubeFox v0 API where it has the same thing);
// the types here are derived from them. The controller implements StatusView
// (controller/status/view.ts); nothing here imports the controller.
import { API_VERSION } from "../../schemas/common.js";
import type { ConfigObject, EnvironmentObject } from "../../schemas/api/control-objects.js";
import type { PlatformObject } from "../../schemas/api/platform-object.js";
import type { SystemHead } from "../../schemas/api/system-head.js";
import type { SystemObject } from "../../schemas/api/system-object.js";
import type { Topology } from "../../schemas/api/topology.js";
import type { StreamEvent } from "../../schemas/status/events.js";

export const apiBase = "/api/kubefox/v0";
/** Typed as its literal, so that the objects built with it have the schemas' `const`. */
export const apiVersion: typeof API_VERSION = API_VERSION;

// What the API serves (schemas/api/).
export type { ConfigObject, EnvironmentObject, PlatformObject, SystemHead, SystemObject, Topology };
export type { DeploymentObject } from "../../schemas/api/deployment-object.js";
export type { Metadata } from "../../schemas/api/metadata.js";
export type { ReleaseObject } from "../../schemas/api/release-object.js";
export type {
  DeploymentNode,
  IngressNode,
  PodNode,
  ReplicaSetNode,
  ServiceNode,
} from "../../schemas/api/topology.js";

// The status it is built from, and the events stream (schemas/status/).
export type { StreamEvent };
export type { ComponentHealth } from "../../schemas/status/component-health.js";
export type { DeploymentStatus } from "../../schemas/status/deployment-status.js";
export type { PlatformStatus } from "../../schemas/status/platform-status.js";
export type { PodChange, PodEventData } from "../../schemas/status/pod-event.js";
export type { ReleaseStatus } from "../../schemas/status/release-status.js";

export type ControlKind = "environment" | "config";

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
