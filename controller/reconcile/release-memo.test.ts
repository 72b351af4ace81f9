import type { KubernetesObject } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { releaseRenderKey, ReleaseMemo, type ReleaseRenderInputs } from "./release-memo.js";

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
const base: ReleaseRenderInputs = {
  part: "version",
  platform,
  commit: "a".repeat(40),
  target: {
    ref: "tag/v*",
    hostNames: ["shop.example.com"],
    environment: { name: "prod", vars: { region: "eu" }, secrets: {}, componentVars: {} },
  },
};

describe("releaseRenderKey", () => {
  it.each<[string, ReleaseRenderInputs]>([
    ["the front", { ...base, part: "front" }],
    ["another commit", { ...base, commit: "b".repeat(40) }],
    ["another ref", { ...base, target: { ...base.target, ref: "branch/main" } }],
    ["another host", { ...base, target: { ...base.target, hostNames: ["shop.example.org"] } }],
    [
      "another variable",
      {
        ...base,
        target: {
          ...base.target,
          environment: { ...base.target.environment, vars: { region: "us" } },
        },
      },
    ],
    ["another namespace", { ...base, platform: { ...platform, namespace: "other" } }],
  ])("changes with %s", (_, changed) => {
    expect(releaseRenderKey(changed)).not.toBe(releaseRenderKey(base));
  });

  it("is the same for the same inputs, whatever the order of their keys", () => {
    const reordered = {
      commit: base.commit,
      target: {
        environment: {
          componentVars: {},
          secrets: {},
          vars: { region: "eu" },
          name: "prod",
        },
        hostNames: ["shop.example.com"],
        ref: "tag/v*",
      },
      platform,
      part: "version" as const,
    };
    expect(releaseRenderKey(reordered)).toBe(releaseRenderKey(base));
  });
});

describe("ReleaseMemo", () => {
  const objects = (name: string): KubernetesObject[] => [
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "shop-dev" } },
  ];
  const clean = {
    inventory: [{ apiVersion: "v1", kind: "ConfigMap", name: "a", namespace: "shop-dev" }],
    resourceVersions: new Map([["v1/ConfigMap/shop-dev/a", "7"]]),
  };

  it("renders a key once while it is used, and again once a reconcile did not use it", async () => {
    const memo = new ReleaseMemo();
    let renders = 0;
    let counted = 0;
    const render = (key: string) =>
      memo.render(
        key,
        async () => {
          renders++;
          return objects(key);
        },
        () => counted++,
      );
    const first = await render("k1");
    expect(await render("k1")).toBe(first);
    memo.sweep(); // k1 used this round: kept
    expect(await render("k1")).toBe(first);
    memo.sweep();
    await render("k2");
    memo.sweep(); // k1 not used this round: forgotten
    expect(await render("k1")).not.toBe(first);
    expect([renders, counted]).toEqual([3, 3]);
  });

  it("keeps a clean apply by the rendered array, and forgets it after a failed one", async () => {
    const memo = new ReleaseMemo();
    const rendered = await memo.render(
      "k",
      async () => objects("a"),
      () => undefined,
    );
    expect(memo.cleanOf(rendered)).toBeUndefined();
    memo.remember(rendered, clean);
    expect(memo.cleanOf(rendered)).toBe(clean);
    // Another array with equal content is not the memo's: nothing is known of it.
    expect(memo.cleanOf(objects("a"))).toBeUndefined();
    memo.remember(rendered, undefined);
    expect(memo.cleanOf(rendered)).toBeUndefined();
  });

  it("forgets everything when cleared (the replica stopped owning the platform)", async () => {
    const memo = new ReleaseMemo();
    const rendered = await memo.render(
      "k",
      async () => objects("a"),
      () => undefined,
    );
    memo.remember(rendered, clean);
    memo.clear();
    expect(memo.cleanOf(rendered)).toBeUndefined();
    let again = 0;
    await memo.render(
      "k",
      async () => objects("a"),
      () => again++,
    );
    expect(again).toBe(1);
  });
});
