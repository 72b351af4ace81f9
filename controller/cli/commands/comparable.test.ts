import type { KubernetesObject } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { comparable, maskSecrets } from "./comparable.js";

describe("comparable", () => {
  it("leaves out status, server bookkeeping, the commit label and the desired hash", () => {
    const live = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "web",
        namespace: "shop",
        uid: "u",
        resourceVersion: "7",
        generation: 3,
        creationTimestamp: "2026-01-01T00:00:00Z",
        managedFields: [{ manager: "kubefox-gitops" }],
        labels: { "kubefox.io/commit": "abc", "kubefox.io/app": "store" },
        annotations: { "kubefox.io/desired-hash": "h" },
      },
      spec: {
        replicas: 2,
        template: {
          metadata: { creationTimestamp: null, labels: { "kubefox.io/commit": "abc" } },
        },
      },
      status: { replicas: 2 },
    };
    expect(comparable(live as unknown as KubernetesObject)).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "shop", labels: { "kubefox.io/app": "store" } },
      spec: { replicas: 2, template: { metadata: {} } },
    });
    // The object given is not changed.
    expect(live.status).toEqual({ replicas: 2 });
  });
});

describe("maskSecrets", () => {
  const secret = (data: Record<string, string>) => ({ kind: "Secret", data });
  it.each([
    {
      name: "equal values are *** on both sides",
      live: secret({ a: "eA==" }),
      desired: secret({ a: "eA==" }),
      want: { live: secret({ a: "***" }), desired: secret({ a: "***" }) },
    },
    {
      name: "a changed value shows as changed, without its value",
      live: secret({ a: "eA==", b: "eQ==" }),
      desired: secret({ a: "eg==", b: "eQ==" }),
      want: {
        live: secret({ a: "*** (before)", b: "***" }),
        desired: secret({ a: "*** (after)", b: "***" }),
      },
    },
    {
      name: "a Secret to create",
      live: undefined,
      desired: secret({ a: "eA==" }),
      want: { live: undefined, desired: secret({ a: "***" }) },
    },
    {
      name: "other kinds as they are",
      live: { kind: "ConfigMap", data: { a: "x" } },
      desired: { kind: "ConfigMap", data: { a: "y" } },
      want: {
        live: { kind: "ConfigMap", data: { a: "x" } },
        desired: { kind: "ConfigMap", data: { a: "y" } },
      },
    },
  ])("$name", ({ live, desired, want }) => {
    expect(maskSecrets(live, desired)).toEqual(want);
  });
});
