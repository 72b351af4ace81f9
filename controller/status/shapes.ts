// Pure builders from the repository model and the controller's status to what
// the API serves (webhooks/api/types.ts). Configs keep secret references only:
// each is rebuilt field by field, so nothing but a Secret's name and key can
// ever leave through the API, whatever a file holds.
import type { AppDoc } from "../../schemas/app.js";
import type { ConfigDoc } from "../../schemas/config.js";
import type { EnvironmentDoc } from "../../schemas/environment.js";
import type { PlatformDoc } from "../../schemas/platform.js";
import type { SystemDoc } from "../../schemas/system.js";
import {
  apiVersion,
  type ConfigObject,
  type DeploymentObject,
  type DeploymentStatus,
  type EnvironmentObject,
  type Metadata,
  type PlatformObject,
  type PlatformStatus,
  type ReleaseObject,
  type ReleaseStatus,
  type SystemObject,
} from "../../webhooks/api/types.js";

export function shortId(id: string): string {
  return id.slice(0, 7);
}

export function systemMetadata(doc: SystemDoc): Metadata {
  return {
    name: doc.metadata.name,
    ...(doc.spec.title !== undefined ? { title: doc.spec.title } : {}),
    ...(doc.spec.description !== undefined ? { description: doc.spec.description } : {}),
  };
}

export interface SystemSource {
  system: SystemDoc;
  apps: Record<string, AppDoc>;
}

export function systemObject(
  model: SystemSource,
  at: { id: string; gitRepo: string; gitRef: string; message?: string },
): SystemObject {
  return {
    kind: "System",
    apiVersion,
    id: at.id,
    metadata: systemMetadata(model.system),
    gitRepo: at.gitRepo,
    gitHash: shortId(at.id),
    gitRef: at.gitRef,
    ...(at.message !== undefined ? { message: at.message } : {}),
    apps: Object.fromEntries(Object.entries(model.apps).map(([name, app]) => [name, app.spec])),
  };
}

export interface ControlSource {
  /** The file's blob id. */
  id: string;
  system: string;
  commit: string;
  gitRef?: string;
}

function controlBase(name: string, at: ControlSource) {
  return {
    apiVersion,
    id: at.id,
    metadata: { name },
    system: at.system,
    ...(at.gitRef ? { gitRef: at.gitRef } : {}),
    gitHash: shortId(at.commit),
  };
}

export function environmentObject(doc: EnvironmentDoc, at: ControlSource): EnvironmentObject {
  return { kind: "Environment", ...controlBase(doc.metadata.name, at), ...doc.spec };
}

export function configObject(doc: ConfigDoc, at: ControlSource): ConfigObject {
  return {
    kind: "Config",
    ...controlBase(doc.metadata.name, at),
    components: Object.fromEntries(
      Object.entries(doc.spec.components).map(([name, c]) => [name, { vars: { ...c.vars } }]),
    ),
    secrets: Object.fromEntries(
      Object.entries(doc.spec.secrets).map(([key, s]) => [
        key,
        { secretRef: { name: s.secretRef.name, key: s.secretRef.key } },
      ]),
    ),
  };
}

export function deploymentObject(
  platform: string,
  system: string,
  status: DeploymentStatus,
): DeploymentObject {
  const { ref, environment, ...rest } = status;
  return {
    kind: "Deployment",
    apiVersion,
    platform,
    system,
    ref,
    ...(environment ? { environment } : {}),
    status: { ready: status.state === "Ready", ...rest },
  };
}

/** A deployment the platform file asks for that no sync has reported on yet. */
export function pendingDeployment(ref: string, environment?: string): DeploymentStatus {
  return {
    ref,
    id: "",
    appliedId: "",
    ...(environment ? { environment } : {}),
    state: "Pending",
    components: [],
    conflicts: [],
    warnings: [],
    inventory: [],
  };
}

/** A release's status from the platform's status; undefined before its first reconcile. */
export function releaseStatus(
  releases: ReleaseStatus[] | undefined,
  environment: string,
): ReleaseStatus | undefined {
  return releases?.find((r) => r.environment === environment);
}

export function platformObject(
  doc: PlatformDoc,
  at: { id: string; system: string },
  status: PlatformStatus | undefined,
): PlatformObject {
  const name = doc.metadata.name;
  const system = status?.system || at.system;
  const known = new Map((status?.deployments ?? []).map((d) => [d.ref, d]));
  const deployments = doc.spec.deployments.map((d) =>
    deploymentObject(name, system, known.get(d.ref) ?? pendingDeployment(d.ref, d.environment)),
  );
  const releases: ReleaseObject[] = doc.spec.releases.map((r) => {
    const state = releaseStatus(status?.releases, r.environment);
    return {
      kind: "Release",
      apiVersion,
      platform: name,
      system,
      environment: r.environment,
      ref: r.ref,
      ...(state ? { status: { ...state, ready: state.state === "Ready" } } : {}),
    };
  });
  return {
    kind: "Platform",
    apiVersion,
    id: at.id,
    metadata: { name },
    system,
    cluster: doc.spec.cluster?.context ? { context: doc.spec.cluster.context } : {},
    namespace: doc.spec.namespace,
    policy: doc.spec.policy,
    allowEmpty: doc.spec.allowEmpty,
    deployments: doc.spec.deployments,
    releases: doc.spec.releases,
    status: {
      healthy:
        !!status && !status.lastError && deployments.every((d) => d.status.state === "Ready"),
      ...(status?.lastSyncTime ? { lastSyncTime: status.lastSyncTime } : {}),
      ...(status?.lastError ? { lastError: status.lastError } : {}),
      deployments,
      releases,
      unmanaged: status?.unmanaged ?? [],
    },
  };
}
