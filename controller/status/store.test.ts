import { describe, expect, it } from "vitest";
import {
  storedStatusSchema,
  type StoredStatus as SchemaStoredStatus,
} from "../../schemas/status/stored-status.js";
import { schemaProblems } from "../../schemas/validate.test-support.js";
import { statusObject, toStored, type StoredStatus } from "./store.js";
import type { PlatformStatus, ReleaseState, ReleaseStatus } from "./status.js";

const a = "a".repeat(40);
const b = "b".repeat(40);
const c = "c".repeat(40);
const inventory = (name: string) => [
  { apiVersion: "v1", kind: "ConfigMap", name, namespace: "shop-dev" },
  { apiVersion: "apps/v1", kind: "Deployment", name, namespace: "shop-dev" },
];
const health = (deployment: string, commit?: string) => ({
  app: "store",
  component: "web",
  deployment,
  state: "Ready" as const,
  replicas: "2/2",
  ...(commit ? { commit } : {}),
});

const prod: ReleaseState = {
  environment: "prod",
  ref: "tag/v*",
  active: {
    releaseId: "prod-0a1b2c3d",
    commit: b,
    ref: "tag/v*",
    requestTime: "2025-01-01T10:00:00.000Z",
    activationTime: "2025-01-01T10:01:00.000Z",
    inventory: inventory("shop-prod-bbbbbbbbbbbb-store-web"),
  },
  pending: {
    releaseId: "prod-4e5f6a7b",
    commit: c,
    ref: "tag/v*",
    requestTime: "2025-01-01T11:00:00.000Z",
    inventory: inventory("shop-prod-cccccccccccc-store-web"),
  },
  history: [
    {
      releaseId: "prod-00000001",
      commit: a,
      ref: "tag/v*",
      requestTime: "2025-01-01T09:00:00.000Z",
      activationTime: "2025-01-01T09:01:00.000Z",
      archiveTime: "2025-01-01T10:01:00.000Z",
      reason: "Superseded",
    },
    {
      releaseId: "prod-00000002",
      commit: a,
      ref: "tag/v*",
      requestTime: "2025-01-01T08:00:00.000Z",
      archiveTime: "2025-01-01T08:05:00.000Z",
      reason: "PendingDeadlineExceeded",
    },
    {
      releaseId: "prod-00000003",
      commit: a,
      ref: "tag/v*",
      requestTime: "2025-01-01T07:00:00.000Z",
      archiveTime: "2025-01-01T07:05:00.000Z",
      reason: "RolledBack",
    },
  ],
  front: [
    { apiVersion: "v1", kind: "Service", name: "shop-prod-store-web", namespace: "shop-dev" },
  ],
  retiring: [],
  routingSecret: true,
};

const prodStatus: ReleaseStatus = {
  ...prod,
  state: "Progressing",
  components: [health("shop-prod-bbbbbbbbbbbb-store-web", b)],
  pendingComponents: [
    { ...health("shop-prod-cccccccccccc-store-web"), state: "Progressing", replicas: "0/2" },
  ],
  deadline: "2025-01-01T11:05:00.000Z",
};

const status: PlatformStatus = {
  name: "dev",
  system: "shop",
  namespace: "shop-dev",
  cluster: "",
  deployments: [
    {
      ref: "branch/main",
      id: a,
      appliedId: a,
      state: "Ready",
      components: [health("shop-branch-main-store-web", a)],
      conflicts: [
        {
          kind: "ConfigMap",
          name: "shop-settings",
          namespace: "shop-dev",
          message: "exists without the label app.kubernetes.io/managed-by=kubefox-gitops",
        },
      ],
      warnings: ["store/web: env GREETING needs an environment; left out"],
      lastSyncTime: "2025-01-01T12:00:00.000Z",
      lastTransitionTime: "2025-01-01T11:59:00.000Z",
      inventory: inventory("shop-branch-main-store-web"),
    },
    {
      ref: "tag/nope",
      environment: "dev",
      id: "",
      appliedId: "",
      state: "Failed",
      components: [],
      conflicts: [],
      warnings: [],
      lastError: "no tag nope",
      lastErrorCode: "RefNotFound",
      inventory: [],
    },
  ],
  releases: [prodStatus],
  unmanaged: [
    { apiVersion: "apps/v1", kind: "Deployment", name: "helm-thing", managers: ["helm"] },
  ],
  lastSyncTime: "2025-01-01T12:00:00.000Z",
};

/** What the ConfigMap holds, read back as loadStatus reads it. */
function written(stored: StoredStatus): unknown {
  const cm = statusObject("dev", "shop-dev", stored) as { data: Record<string, string> };
  return JSON.parse(cm.data["status.json"]!);
}

describe("the status ConfigMap", () => {
  it("holds what toStored keeps, in the shape schemas/status/stored-status.ts gives", () => {
    const stored: StoredStatus = {
      ...toStored(status, { prod }),
      orphans: [{ apiVersion: "v1", kind: "Service", name: "gone", namespace: "shop-dev" }],
    };
    const json = written(stored);
    expect(schemaProblems(storedStatusSchema, json)).toEqual([]);
    expect(json).toEqual(JSON.parse(JSON.stringify(stored)));
    // Times that change on every sync stay in memory: a no-op resync writes nothing.
    expect(JSON.stringify(json)).not.toContain("lastSyncTime");
  });

  it("fits the schema before the first release too", () => {
    expect(schemaProblems(storedStatusSchema, written(toStored(status)))).toEqual([]);
  });

  it.each([
    ["a state the schema does not know", { state: "Healthy" }],
    ["a commit that is not one", { id: "main" }],
    ["a field the schema does not know", { extra: 1 }],
  ])("is refused with %s", (_what, change) => {
    const stored = toStored(status, { prod });
    stored.deployments[0] = { ...stored.deployments[0]!, ...change } as never;
    expect(schemaProblems(storedStatusSchema, written(stored))).not.toEqual([]);
  });

  it("is refused with a history reason the schema does not know", () => {
    const releases = { prod: { ...prod, history: [{ ...prod.history[0]!, reason: "Expired" }] } };
    expect(
      schemaProblems(storedStatusSchema, written(toStored(status, releases as never))),
    ).not.toEqual([]);
  });

  it("has the type the schema gives (store.ts once declared it by hand)", () => {
    type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
    const same: Same<StoredStatus, SchemaStoredStatus> = true;
    expect(same).toBe(true);
  });
});
