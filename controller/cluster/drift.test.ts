import type { KubernetesObject, V1ManagedFieldsEntry } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { canonicalJson, desiredHash, editedByOthers, verdict } from "./drift.js";

const managed = { "app.kubernetes.io/managed-by": "kubefox-gitops" };

function deployment(
  extra: Partial<{
    replicas: number;
    hash: string;
    fields: V1ManagedFieldsEntry[];
    labels: Record<string, string>;
  }> = {},
): KubernetesObject & { spec: unknown } {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "web",
      namespace: "shop",
      labels: extra.labels ?? managed,
      annotations: { "kubefox.io/desired-hash": extra.hash ?? "h1" },
      ...(extra.fields ? { managedFields: extra.fields } : {}),
    },
    spec: {
      replicas: extra.replicas ?? 2,
      template: { spec: { containers: [{ name: "web", image: "web:1", args: ["--v"] }] } },
    },
  };
}

const ourEntry: V1ManagedFieldsEntry = {
  manager: "kubefox-gitops",
  operation: "Apply",
  fieldsType: "FieldsV1",
  fieldsV1: { "f:spec": { "f:replicas": {} } },
};

describe("verdict", () => {
  it.each([
    [
      "missing when there is no live object",
      deployment(),
      undefined,
      { action: "apply", reason: "missing" },
    ],
    [
      "conflict when the live object is not ours",
      deployment(),
      deployment({ labels: {} }),
      { action: "conflict" },
    ],
    [
      "changed when the desired hash differs",
      deployment({ hash: "h2" }),
      deployment(),
      { action: "apply", reason: "changed" },
    ],
    [
      "skip when nothing changed",
      deployment(),
      deployment({ fields: [ourEntry] }),
      { action: "skip" },
    ],
  ])("%s", (_name, desired, live, expected) => {
    expect(verdict(desired, live)).toEqual(expected);
  });

  it("drifted when kubectl scale took spec.replicas", () => {
    const live = deployment({
      fields: [
        ourEntry,
        {
          manager: "kubectl",
          operation: "Update",
          subresource: "scale",
          fieldsV1: { "f:spec": { "f:replicas": {} } },
        },
      ],
    });
    expect(verdict(deployment(), live)).toEqual({ action: "apply", reason: "drifted" });
  });
});

describe("editedByOthers", () => {
  it.each([
    [
      "the controller-manager's status writes",
      {
        manager: "kube-controller-manager",
        operation: "Update",
        subresource: "status",
        fieldsV1: { "f:status": { "f:replicas": {} } },
      },
      false,
    ],
    [
      "a revision annotation we never set",
      {
        manager: "kube-controller-manager",
        operation: "Update",
        fieldsV1: {
          "f:metadata": { "f:annotations": { ".": {}, "f:deployment.kubernetes.io/revision": {} } },
        },
      },
      false,
    ],
    [
      "a label we never set",
      {
        manager: "kubectl-label",
        operation: "Update",
        fieldsV1: { "f:metadata": { "f:labels": { "f:team": {} } } },
      },
      false,
    ],
    [
      "an image edited in a keyed list item",
      {
        manager: "kubectl-edit",
        operation: "Update",
        fieldsV1: {
          "f:spec": {
            "f:template": {
              "f:spec": { "f:containers": { 'k:{"name":"web"}': { "f:image": {} } } },
            },
          },
        },
      },
      true,
    ],
    [
      "an atomic list of args replaced",
      {
        manager: "kubectl-patch",
        operation: "Update",
        fieldsV1: {
          "f:spec": {
            "f:template": {
              "f:spec": { "f:containers": { 'k:{"name":"web"}': { "f:args": {} } } },
            },
          },
        },
      },
      true,
    ],
    [
      "our own label rewritten",
      {
        manager: "kubectl-label",
        operation: "Update",
        fieldsV1: { "f:metadata": { "f:labels": { "f:app.kubernetes.io/managed-by": {} } } },
      },
      true,
    ],
  ] as [string, V1ManagedFieldsEntry, boolean][])("%s", (_name, entry, expected) => {
    expect(editedByOthers(deployment(), deployment({ fields: [ourEntry, entry] }))).toBe(expected);
  });
});

describe("desiredHash", () => {
  it("does not depend on key order", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(desiredHash({ kind: "A", apiVersion: "v1" })).toBe(
      desiredHash({ apiVersion: "v1", kind: "A" }),
    );
  });
});
