import { describe, expect, it } from "vitest";
import {
  deploymentInputKey,
  planDeployment,
  RenderMemo,
  untouchedSince,
  type CleanApply,
  type DeploymentInputs,
  type MemoEntry,
} from "./deployment-memo.js";

const platform = {
  name: "dev",
  namespace: "shop-dev",
  policy: {
    allowPrivileged: false,
    allowHostNetwork: false,
    allowHostPID: false,
    allowHostPath: false,
  },
};
const base: DeploymentInputs = { platform, ref: "branch/main", commit: "a".repeat(40) };
const environment = {
  name: "dev",
  vars: { region: "eu" },
  secrets: {},
  componentVars: {},
};

describe("deploymentInputKey", () => {
  const withEnv: DeploymentInputs = { ...base, environment };
  it.each<[string, DeploymentInputs, DeploymentInputs]>([
    ["another commit", base, { ...base, commit: "b".repeat(40) }],
    ["another ref", base, { ...base, ref: "branch/next" }],
    ["another namespace", base, { ...base, platform: { ...platform, namespace: "other" } }],
    [
      "another policy",
      base,
      { ...base, platform: { ...platform, policy: { ...platform.policy, allowHostPath: true } } },
    ],
    ["an environment named", base, withEnv],
    [
      "an environment's variable",
      withEnv,
      { ...base, environment: { ...environment, vars: { region: "us" } } },
    ],
    [
      "a config's component vars",
      withEnv,
      { ...base, environment: { ...environment, componentVars: { web: { LOG: "debug" } } } },
    ],
  ])("changes with %s", (_, before, after) => {
    expect(deploymentInputKey(after)).not.toBe(deploymentInputKey(before));
  });

  it("is the same for the same inputs in another key order", () => {
    const reordered: DeploymentInputs = {
      commit: base.commit,
      ref: base.ref,
      platform: { policy: platform.policy, namespace: platform.namespace, name: platform.name },
    };
    expect(deploymentInputKey(reordered)).toBe(deploymentInputKey(base));
  });
});

const clean: CleanApply = {
  inventory: [{ apiVersion: "v1", kind: "ConfigMap", name: "a", namespace: "ns" }],
  resourceVersions: new Map([["v1/ConfigMap/ns/a", "7"]]),
};
const entry = (over: Partial<MemoEntry> = {}): MemoEntry => ({
  key: "k1",
  objects: [],
  warnings: [],
  ...over,
});

describe("planDeployment", () => {
  it.each<[string, MemoEntry | undefined, string, boolean, { render: boolean; apply: boolean }]>([
    ["first reconcile", undefined, "k1", false, { render: true, apply: true }],
    ["inputs changed", entry({ clean }), "k2", true, { render: true, apply: true }],
    ["same inputs, never applied cleanly", entry(), "k1", true, { render: false, apply: true }],
    [
      "same inputs, an object changed in the cluster",
      entry({ clean }),
      "k1",
      false,
      { render: false, apply: true },
    ],
    [
      "same inputs, cluster as left: nothing to do",
      entry({ clean }),
      "k1",
      true,
      { render: false, apply: false },
    ],
  ])("%s", (_, memo, key, untouched, plan) => {
    expect(planDeployment(memo, key, untouched)).toEqual(plan);
  });
});

describe("untouchedSince", () => {
  it.each<[string, CleanApply | undefined, string | undefined, boolean]>([
    ["no clean apply", undefined, "7", false],
    ["same resourceVersion", clean, "7", true],
    ["edited (another resourceVersion)", clean, "8", false],
    ["deleted (not in the cache)", clean, undefined, false],
    ["an object without a recorded version", { ...clean, resourceVersions: new Map() }, "7", false],
  ])("%s", (_, applied, live, expected) => {
    expect(untouchedSince(applied, () => live)).toBe(expected);
  });
});

describe("RenderMemo", () => {
  it("forgets deployments gone from the platform file", () => {
    const memo = new RenderMemo();
    memo.set("branch/main", entry());
    memo.set("branch/old", entry());
    memo.retain(["branch/main"]);
    expect(memo.get("branch/main")).toBeDefined();
    expect(memo.get("branch/old")).toBeUndefined();
  });
});
