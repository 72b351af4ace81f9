import type { KubernetesObject } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { diffObject } from "./object-diff.js";

const ours = { "app.kubernetes.io/managed-by": "kubefox-gitops" };

function configMap(data: Record<string, string>, labels: Record<string, string> = ours) {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "cfg", namespace: "shop", labels, resourceVersion: "1" },
    data,
  } as KubernetesObject;
}

describe("diffObject", () => {
  it.each([
    {
      name: "same content, other resourceVersion: unchanged",
      live: configMap({ a: "1" }),
      desired: {
        ...configMap({ a: "1" }),
        metadata: { ...configMap({}).metadata, resourceVersion: "2" },
      },
      want: { action: "unchanged" },
    },
    {
      name: "changed data: the changed line",
      live: configMap({ a: "1" }),
      desired: configMap({ a: "2" }),
      want: {
        action: "change",
        lines: [
          "--- live ConfigMap shop/cfg",
          "+++ desired ConfigMap shop/cfg",
          "@@ -1,6 +1,6 @@",
          " apiVersion: v1",
          " data:",
          '-  a: "1"',
          '+  a: "2"',
          " kind: ConfigMap",
          " metadata:",
          "   labels:",
        ],
      },
    },
    {
      name: "exists without our label: conflict",
      live: configMap({ a: "1" }, {}),
      desired: configMap({ a: "2" }),
      want: { action: "conflict" },
    },
    {
      name: "missing: create, every line added",
      live: undefined,
      desired: configMap({ a: "1" }),
      want: { action: "create", lines: expect.arrayContaining(['+  a: "1"', "+kind: ConfigMap"]) },
    },
    {
      name: "no longer desired: delete, every line removed",
      live: configMap({ a: "1" }),
      desired: undefined,
      want: { action: "delete", lines: expect.arrayContaining(['-  a: "1"']) },
    },
    {
      name: "a Secret's values never show",
      live: { ...configMap({}), kind: "Secret", data: { token: "c2VjcmV0" } },
      desired: { ...configMap({}), kind: "Secret", data: { token: "b3RoZXI=" } },
      want: {
        action: "change",
        lines: expect.arrayContaining(['-  token: "*** (before)"', '+  token: "*** (after)"']),
      },
    },
  ])("$name", ({ live, desired, want }) => {
    const change = diffObject(live, desired);
    expect(change).toEqual(want);
    expect(JSON.stringify(change)).not.toMatch(/c2VjcmV0|b3RoZXI=/);
  });
});
