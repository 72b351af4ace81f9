// Proves the test control plane is a real kube-apiserver backed by etcd: its
// version, its discovery as kubectl sees it, and a server-side apply that
// round-trips through storage.
import { PatchStrategy, VersionApi, type V1ConfigMap } from "@kubernetes/client-node";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { clients, createNamespace, kubeConfig } from "../support/kube.js";

describe("the local control plane", () => {
  let ns: Awaited<ReturnType<typeof createNamespace>>;
  beforeAll(async () => {
    ns = await createNamespace("smoke-cp");
  });
  afterAll(() => ns.remove());

  it("is kube-apiserver at the pinned Kubernetes version", async () => {
    const version = await kubeConfig().makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe(inject("kubernetesVersion"));
    expect(version.gitTreeState).toBe("clean");
  });

  it("serves the built-in API groups to kubectl", async () => {
    const { stdout } = await execa("kubectl", ["api-resources", "-o", "name"], {
      env: { KUBECONFIG: inject("kubeconfig") },
    });
    const names = stdout.split("\n");
    for (const r of [
      "deployments.apps",
      "configmaps",
      "services",
      "ingresses.networking.k8s.io",
      "leases.coordination.k8s.io",
    ]) {
      expect(names).toContain(r);
    }
  });

  it("applies a ConfigMap server-side and reads it back from storage", async () => {
    const { objects, core } = clients();
    const desired: V1ConfigMap = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "smoke",
        namespace: ns.name,
        labels: { "app.kubernetes.io/managed-by": "kubefox-gitops" },
      },
      data: { greeting: "hello" },
    };
    await objects.patch(
      desired,
      undefined,
      undefined,
      "kubefox-gitops",
      true,
      PatchStrategy.ServerSideApply,
    );
    const read = await core.readNamespacedConfigMap({ name: "smoke", namespace: ns.name });
    expect(read.data).toEqual({ greeting: "hello" });
    expect(read.metadata?.managedFields?.map((f) => [f.manager, f.operation])).toContainEqual([
      "kubefox-gitops",
      "Apply",
    ]);
  });
});
