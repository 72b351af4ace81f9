// Platform statuses for the notify tables: the smallest valid shapes.
import type { DeploymentStatus, PlatformStatus, ReleaseStatus } from "../status/status.js";

export const commitA = "a".repeat(40);
export const commitB = "b".repeat(40);

export function deployment(over: Partial<DeploymentStatus> = {}): DeploymentStatus {
  return {
    ref: "branch/main",
    id: commitA,
    appliedId: commitA,
    state: "Ready",
    components: [],
    conflicts: [],
    warnings: [],
    inventory: [],
    ...over,
  };
}

export function release(over: Partial<ReleaseStatus> = {}): ReleaseStatus {
  return {
    environment: "prod",
    ref: "tag/v*",
    history: [],
    front: [],
    retiring: [],
    state: "Ready",
    components: [],
    pendingComponents: [],
    ...over,
  };
}

export function version(commit: string, activated = true) {
  return {
    releaseId: `prod-${commit.slice(0, 8)}`,
    commit,
    ref: "tag/v*",
    requestTime: "2026-11-27T20:00:00.000Z",
    ...(activated ? { activationTime: "2026-11-27T20:01:00.000Z" } : {}),
    inventory: [],
  };
}

export function platform(
  deployments: DeploymentStatus[],
  releases: ReleaseStatus[] = [],
): PlatformStatus {
  return {
    name: "dev",
    system: "shop",
    namespace: "shop-dev",
    cluster: "",
    deployments,
    releases,
    unmanaged: [],
  };
}
