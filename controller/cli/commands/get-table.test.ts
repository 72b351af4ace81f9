import { describe, expect, it } from "vitest";
import type { DeploymentObject, PlatformRecord, ReleaseRecord } from "./get-records.js";
import {
  age,
  deploymentMessage,
  deploymentTable,
  formatTable,
  historyTable,
  platformTable,
  releaseState,
  releaseTable,
} from "./get-table.js";

const now = Date.parse("2026-11-27T12:00:00Z");
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();
const a = "a".repeat(40);
const b = "b".repeat(40);

function deployment(
  ref: string,
  status: Partial<DeploymentObject["status"]> = {},
): DeploymentObject {
  return {
    kind: "Deployment",
    apiVersion: "kubefox.io/v1alpha1",
    platform: "dev",
    system: "shop",
    ref,
    status: {
      ready: true,
      state: "Ready",
      id: a,
      appliedId: a,
      components: [],
      conflicts: [],
      warnings: [],
      inventory: [],
      ...status,
    },
  };
}

function platform(name: string, more: Partial<PlatformRecord> = {}): PlatformRecord {
  return {
    name,
    namespace: `shop-${name}`,
    system: "shop",
    deployments: [],
    releases: [],
    ...more,
  };
}

const version = (commit: string, requestTime: string, activationTime?: string) => ({
  releaseId: `prod-${commit.slice(0, 8)}`,
  commit,
  ref: "tag/v*",
  requestTime,
  ...(activationTime ? { activationTime } : {}),
  inventory: [],
});

function release(status: ReleaseRecord["status"]): ReleaseRecord {
  return {
    kind: "Release",
    apiVersion: "kubefox.io/v1alpha1",
    platform: "dev",
    system: "shop",
    environment: "prod",
    ref: "tag/v*",
    ...(status ? { status } : {}),
  };
}

const stored = { environment: "prod", ref: "tag/v*", history: [], front: [], retiring: [] };

describe("age", () => {
  it.each([
    [undefined, ""],
    ["not a time", ""],
    [ago(-30), "0s"],
    [ago(0), "0s"],
    [ago(5), "5s"],
    [ago(59), "59s"],
    [ago(60), "1m"],
    [ago(3 * 60 + 59), "3m"],
    [ago(3600), "1h"],
    [ago(2 * 3600 + 1800), "2h"],
    [ago(86_400), "1d"],
    [ago(4 * 86_400), "4d"],
    [ago(364 * 86_400), "364d"],
    [ago(2 * 365 * 86_400), "2y"],
  ])("%s is %j", (time, expected) => {
    expect(age(time, now)).toBe(expected);
  });
});

describe("formatTable", () => {
  it("pads every column but the last to its widest cell, three spaces apart", () => {
    expect(
      formatTable({
        headers: ["NAME", "STATE", "MESSAGE"],
        rows: [
          ["branch/main", "Ready", ""],
          ["tag/v1", "Degraded", "web: stuck"],
        ],
      }),
    ).toBe(
      "NAME          STATE      MESSAGE\n" +
        "branch/main   Ready\n" +
        "tag/v1        Degraded   web: stuck\n",
    );
  });
});

describe("deploymentMessage", () => {
  it.each<[string, Partial<DeploymentObject["status"]>, string]>([
    ["nothing when Ready", {}, ""],
    [
      "the error first, on one line",
      { lastError: "a.yaml:1:2: bad\nmore" },
      "a.yaml:1:2: bad more",
    ],
    [
      "else the first component not Ready",
      {
        components: [
          { app: "s", component: "api", deployment: "d1", state: "Ready", replicas: "1/1" },
          {
            app: "s",
            component: "web",
            deployment: "d2",
            state: "Progressing",
            replicas: "0/1",
            message: "0 of 1 updated",
          },
        ],
      },
      "web: 0 of 1 updated",
    ],
    [
      "else the first object not Ready",
      {
        notReady: [
          {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            name: "data",
            state: "Progressing",
            message: "PVC is not Bound. phase: Pending",
          },
        ],
      },
      "PersistentVolumeClaim data: PVC is not Bound. phase: Pending",
    ],
    [
      "else a conflict",
      { conflicts: [{ kind: "Service", name: "web", message: "exists without our label" }] },
      "Service web: exists without our label",
    ],
  ])("%s", (_, status, expected) => {
    expect(deploymentMessage(deployment("branch/main", status).status)).toBe(expected);
  });
});

describe("tables", () => {
  const dev = platform("dev", {
    lastSyncTime: ago(5),
    deployments: [
      deployment("branch/main", { lastSyncTime: ago(5) }),
      deployment("tag/v1", {
        state: "Failed",
        ready: false,
        appliedId: "",
        id: b,
        lastTransitionTime: ago(7200),
        lastError: "[RefNotFound] ref tag/v1: no tag named v1",
      }),
    ],
    releases: [
      release({
        ...stored,
        state: "Progressing",
        ready: false,
        components: [],
        pendingComponents: [],
        active: version(a, ago(4 * 86_400), ago(4 * 86_400)),
        pending: version(b, ago(60)),
      }),
    ],
  });

  it("platforms: how many deployments and releases are Ready", () => {
    expect(platformTable([dev], now)).toEqual({
      headers: ["PLATFORM", "NAMESPACE", "SYSTEM", "DEPLOYMENTS", "RELEASES", "AGE", "MESSAGE"],
      rows: [["dev", "shop-dev", "shop", "1/2", "0/1", "5s", ""]],
    });
  });

  it("deployments: ref, state, the short commit it runs (or resolved to), age, message", () => {
    expect(deploymentTable([dev], now).rows).toEqual([
      ["dev", "branch/main", "", "Ready", "aaaaaaa", "5s", ""],
      ["dev", "tag/v1", "", "Failed", "bbbbbbb", "2h", "[RefNotFound] ref tag/v1: no tag named v1"],
    ]);
  });

  it("releases: active and pending commits, age since the active one took traffic", () => {
    expect(releaseTable([dev], now).rows).toEqual([
      ["dev", "prod", "tag/v*", "Progressing", "aaaaaaa", "bbbbbbb", "4d", ""],
    ]);
  });

  it("history: pending, active, then archived versions", () => {
    const r = release({
      ...stored,
      active: version(b, ago(600), ago(300)),
      history: [
        { ...version(a, ago(86_400), ago(86_400)), archiveTime: ago(300), reason: "Superseded" },
      ],
    });
    expect(formatTable(historyTable(r, now))).toBe(
      "RELEASE         COMMIT    REF      STATUS       AGE   ARCHIVED\n" +
        "prod-bbbbbbbb   bbbbbbb   tag/v*   Active       5m\n" +
        "prod-aaaaaaaa   aaaaaaa   tag/v*   Superseded   1d    5m\n",
    );
  });
});

describe("releaseState", () => {
  it.each<[string, ReleaseRecord["status"], string]>([
    ["no status yet", undefined, "Pending"],
    [
      "as served",
      { ...stored, state: "Degraded", ready: false, components: [], pendingComponents: [] },
      "Degraded",
    ],
    ["stored, a version pending", { ...stored, pending: version(a, ago(1)) }, "Progressing"],
    ["stored, a version active", { ...stored, active: version(a, ago(1)) }, "Active"],
    ["stored, nothing active and an error", { ...stored, lastError: "boom" }, "Failed"],
    ["stored, nothing yet", stored, "Pending"],
  ])("%s: %s", (_, status, expected) => {
    expect(releaseState(release(status))).toBe(expected);
  });
});
