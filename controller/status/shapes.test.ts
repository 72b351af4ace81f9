import { describe, expect, it } from "vitest";
import { configObjectSchema, environmentObjectSchema } from "../../schemas/api/control-objects.js";
import { platformObjectSchema } from "../../schemas/api/platform-object.js";
import { systemObjectSchema } from "../../schemas/api/system-object.js";
import { schemaProblems } from "../../schemas/validate.test-support.js";
import type { ConfigDoc } from "../../schemas/config.js";
import type { EnvironmentDoc } from "../../schemas/environment.js";
import type { PlatformDoc } from "../../schemas/platform.js";
import {
  configObject,
  environmentObject,
  platformObject,
  releaseStatus,
  systemObject,
} from "./shapes.js";
import type { PlatformStatus, ReleaseStatus } from "../../webhooks/api/types.js";

const where = { id: "b".repeat(40), system: "shop", commit: "c".repeat(40), gitRef: "branch/main" };

describe("configObject", () => {
  it("keeps a Secret's name and key and nothing else, whatever the document holds", () => {
    const doc = {
      apiVersion: "kubefox.io/v1alpha1",
      kind: "Config",
      metadata: { name: "prod" },
      spec: {
        components: { web: { vars: { LOG_LEVEL: "info" } } },
        secrets: {
          dbPassword: {
            secretRef: { name: "shop-db", key: "password", value: "hunter2" },
            data: "aHVudGVyMg==",
          },
        },
      },
    } as unknown as ConfigDoc;
    const config = configObject(doc, where);
    expect(config).toEqual({
      kind: "Config",
      apiVersion: "kubefox.io/v1alpha1",
      id: where.id,
      metadata: { name: "prod" },
      system: "shop",
      gitRef: "branch/main",
      gitHash: "ccccccc",
      components: { web: { vars: { LOG_LEVEL: "info" } } },
      secrets: { dbPassword: { secretRef: { name: "shop-db", key: "password" } } },
    });
    expect(JSON.stringify(config)).not.toMatch(/hunter2|aHVudGVyMg/);
    expect(schemaProblems(configObjectSchema, config)).toEqual([]);
  });
});

describe("environmentObject", () => {
  it("lays the spec out flat, as KubeFox's Environment", () => {
    const doc: EnvironmentDoc = {
      apiVersion: "kubefox.io/v1alpha1",
      kind: "Environment",
      metadata: { name: "prod" },
      spec: {
        config: "prod",
        hostNames: ["shop.example.com"],
        vars: { region: "eu" },
        releasePolicy: { activationDeadlineSeconds: 300, historyLimit: 10 },
      },
    };
    const environment = environmentObject(doc, { ...where, gitRef: undefined });
    expect(schemaProblems(environmentObjectSchema, environment)).toEqual([]);
    expect(environment).toEqual({
      kind: "Environment",
      apiVersion: "kubefox.io/v1alpha1",
      id: where.id,
      metadata: { name: "prod" },
      system: "shop",
      gitHash: "ccccccc",
      config: "prod",
      hostNames: ["shop.example.com"],
      vars: { region: "eu" },
      releasePolicy: { activationDeadlineSeconds: 300, historyLimit: 10 },
    });
  });
});

describe("systemObject", () => {
  it("puts the title and description in metadata and each app's spec under apps", () => {
    const system = systemObject(
      {
        system: {
          apiVersion: "kubefox.io/v1alpha1",
          kind: "System",
          metadata: { name: "shop" },
          spec: { title: "Shop", description: "The shop" },
        },
        apps: {
          store: {
            apiVersion: "kubefox.io/v1alpha1",
            kind: "App",
            metadata: { name: "store" },
            spec: {
              components: {
                web: { image: "web:1", replicas: 1, ports: [], env: {}, routes: [], mounts: [] },
              },
            },
          } as never,
        },
      },
      { id: "a".repeat(40), gitRepo: "https://git.example.com/shop.git", gitRef: "tag/v1" },
    );
    expect(system).toMatchObject({
      id: "a".repeat(40),
      gitHash: "aaaaaaa",
      gitRef: "tag/v1",
      metadata: { name: "shop", title: "Shop", description: "The shop" },
      apps: { store: { components: { web: { image: "web:1" } } } },
    });
    expect(schemaProblems(systemObjectSchema, system)).toEqual([]);
  });
});

const platformDoc: PlatformDoc = {
  apiVersion: "kubefox.io/v1alpha1",
  kind: "Platform",
  metadata: { name: "dev" },
  spec: {
    namespace: "shop-dev",
    policy: {
      allowPrivileged: false,
      allowHostNetwork: false,
      allowHostPID: false,
      allowHostPath: false,
    },
    allowEmpty: false,
    deployments: [{ ref: "branch/main" }, { ref: "tag/v1", environment: "dev" }],
    releases: [{ environment: "prod", ref: "tag/v*" }],
  },
};

describe("platformObject", () => {
  it("shows what the file asks for as Pending before the first sync", () => {
    const p = platformObject(platformDoc, { id: "d".repeat(40), system: "shop" }, undefined);
    expect(p.status.healthy).toBe(false);
    expect(
      p.status.deployments.map((d) => [d.ref, d.environment, d.status.state, d.status.ready]),
    ).toEqual([
      ["branch/main", undefined, "Pending", false],
      ["tag/v1", "dev", "Pending", false],
    ]);
    expect(p.status.releases).toEqual([
      {
        kind: "Release",
        apiVersion: "kubefox.io/v1alpha1",
        platform: "dev",
        system: "shop",
        environment: "prod",
        ref: "tag/v*",
      },
    ]);
    expect(p.cluster).toEqual({});
    expect(schemaProblems(platformObjectSchema, p)).toEqual([]);
  });

  it("takes each deployment's and release's status, and is healthy when all are Ready", () => {
    const ready = (ref: string) => ({
      ref,
      id: "e".repeat(40),
      appliedId: "e".repeat(40),
      state: "Ready" as const,
      components: [],
      conflicts: [],
      warnings: [],
      inventory: [],
    });
    const status: PlatformStatus = {
      name: "dev",
      system: "shop",
      namespace: "shop-dev",
      cluster: "",
      deployments: [ready("branch/main"), ready("tag/v1")],
      unmanaged: [],
      releases: [release("prod", "Progressing")],
    };
    const p = platformObject(platformDoc, { id: "d".repeat(40), system: "shop" }, status);
    expect(p.status.healthy).toBe(true);
    expect(schemaProblems(platformObjectSchema, p)).toEqual([]);
    expect(p.status.deployments[0]!.status).toMatchObject({ ready: true, state: "Ready" });
    expect(p.status.releases[0]!.status).toEqual({
      ...release("prod", "Progressing"),
      ready: false,
    });
    expect(
      platformObject(platformDoc, { id: "", system: "shop" }, { ...status, lastError: "boom" })
        .status.healthy,
    ).toBe(false);
  });
});

describe("releaseStatus", () => {
  it.each([
    [[release("prod", "Ready")], release("prod", "Ready")],
    [[release("staging", "Ready"), release("prod", "Failed")], release("prod", "Failed")],
    [[release("staging", "Ready")], undefined],
    [undefined, undefined],
  ])("%j → %j", (releases, expected) => {
    expect(releaseStatus(releases, "prod")).toEqual(expected);
  });
});

function release(environment: string, state: ReleaseStatus["state"]): ReleaseStatus {
  return {
    environment,
    ref: "tag/v*",
    history: [],
    front: [],
    retiring: [],
    state,
    components: [],
    pendingComponents: [],
  };
}
