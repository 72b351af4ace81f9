// The controller's own Kubernetes client (controller/cluster/) against the real
// API server: the five verbs, discovery, errors as the server words them, and the
// watch cache following changes made by someone else, through one keep-alive
// connection pool. Everything else in the suite runs on it too; this pins down
// each piece on its own.
import type { KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManagedCache, type ChangeType } from "../../controller/cluster/cache.js";
import type { ClusterClient } from "../../controller/cluster/client.js";
import { KubeApiError } from "../../controller/cluster/http.js";
import { managedSelector } from "../../controller/cluster/labels.js";
import { createLogger } from "../../controller/log.js";
import { clients, clusterClient, createNamespace, eventually } from "../support/kube.js";

const managed = { "app.kubernetes.io/managed-by": "kubefox-gitops" };
let ns: { name: string; remove: () => Promise<void> };
let client: ClusterClient;

function configMap(
  name: string,
  data: Record<string, string>,
): KubernetesObject & { data: Record<string, string> } {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: ns.name, labels: managed },
    data,
  };
}

describe("the controller's cluster client", () => {
  beforeAll(async () => {
    ns = await createNamespace("client");
    client = clusterClient();
  });
  afterAll(async () => {
    client?.close();
    await ns?.remove();
  });

  it("applies, reads, lists, creates only when missing, and deletes", async () => {
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: "one", namespace: ns.name };
    const applied = await client.apply(configMap("one", { a: "1" }));
    expect(applied.metadata?.resourceVersion).toBeTruthy();
    // The same apply again changes nothing on the server.
    const again = await client.apply(configMap("one", { a: "1" }));
    expect(again.metadata?.resourceVersion).toBe(applied.metadata?.resourceVersion);
    const read = (await client.get(ref)) as { data?: Record<string, string> } | undefined;
    expect(read?.data).toEqual({ a: "1" });
    const managers = (
      await clients().core.readNamespacedConfigMap({ name: "one", namespace: ns.name })
    ).metadata?.managedFields?.map((f) => `${f.manager}/${f.operation}`);
    expect(managers).toEqual(["kubefox-gitops/Apply"]);

    expect(await client.createIfMissing(configMap("one", { a: "2" }))).toBe(false);
    expect(await client.createIfMissing(configMap("two", { b: "2" }))).toBe(true);
    const { items, resourceVersion } = await client.list("v1", "ConfigMap", {
      namespace: ns.name,
      labelSelector: managedSelector,
    });
    expect(items.map((i) => [i.apiVersion, i.kind, i.metadata?.name])).toEqual([
      ["v1", "ConfigMap", "one"],
      ["v1", "ConfigMap", "two"],
    ]);
    expect(resourceVersion).toMatch(/^\d+$/);

    expect(await client.delete(ref)).toBe(true);
    expect(await client.delete(ref)).toBe(false);
    expect(await client.get(ref)).toBeUndefined();
    expect(client.writes).toBe(6);
  });

  it("finds kinds by discovery, and says plainly when the server has none", async () => {
    expect(await client.resource("apps/v1", "Deployment")).toEqual({
      plural: "deployments",
      namespaced: true,
    });
    expect(await client.resource("v1", "Namespace")).toEqual({
      plural: "namespaces",
      namespaced: false,
    });
    expect(await client.resource("example.com/v1", "Widget")).toBeUndefined();
    expect(await client.resource("v1", "Widget")).toBeUndefined();
    expect(
      await client.get({
        apiVersion: "example.com/v1",
        kind: "Widget",
        name: "w",
        namespace: ns.name,
      }),
    ).toBeUndefined();
    await expect(
      client.apply({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }),
    ).rejects.toThrow(/does not serve example.com\/v1 Widget/);
  });

  it("reports the API server's own message for an invalid object", async () => {
    const err: unknown = await client
      .apply({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "no-selector", namespace: ns.name, labels: managed },
        spec: { template: { spec: { containers: [] } } },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).statusCode).toBe(422);
    expect((err as Error).message).toMatch(/spec\.selector: Required value/);
  });

  it("keeps a watch cache of managed objects that follows changes made by others", async () => {
    const cache = new ManagedCache(client, createLogger({ level: "error" }));
    const seen: [ChangeType, string][] = [];
    cache.onChange((type, obj) => {
      if (obj.metadata?.namespace === ns.name) seen.push([type, obj.metadata?.name ?? ""]);
    });
    try {
      expect(await cache.ensure("v1", "ConfigMap")).toBe(true);
      expect(await cache.ensure("example.com/v1", "Widget")).toBe(false);
      // Listed at start: the one left from the first test.
      expect(cache.list("v1", "ConfigMap", ns.name).map((o) => o.metadata?.name)).toEqual(["two"]);

      const { core } = clients();
      await core.createNamespacedConfigMap({
        namespace: ns.name,
        body: { metadata: { name: "three", labels: managed }, data: { c: "3" } },
      });
      await core.createNamespacedConfigMap({
        namespace: ns.name,
        body: { metadata: { name: "unlabelled" }, data: {} },
      });
      await core.patchNamespacedConfigMap({
        name: "two",
        namespace: ns.name,
        body: [{ op: "replace", path: "/data/b", value: "changed" }],
      });
      await core.deleteNamespacedConfigMap({ name: "three", namespace: ns.name });
      await eventually(async () => (seen.some(([t]) => t === "delete") ? true : undefined), {
        what: "the delete seen through the watch",
      });
      expect(seen).toEqual([
        ["add", "two"],
        ["add", "three"],
        ["update", "two"],
        ["delete", "three"],
      ]);
      const two = cache.get({
        apiVersion: "v1",
        kind: "ConfigMap",
        name: "two",
        namespace: ns.name,
      });
      expect((two as { data?: Record<string, string> }).data).toEqual({ b: "changed" });
      // Our own apply's field-manager entry is not kept (drift detection never reads it).
      expect(two?.metadata?.managedFields?.map((f) => f.manager)).not.toContain("kubefox-gitops");
    } finally {
      await cache.stop();
    }
  });

  // Issue 16: more objects than one page (500), read in pages that make one list.
  it("lists a namespace of more objects than one page, in pages, all of them once", async () => {
    const many = await createNamespace("paged");
    try {
      const { core } = clients();
      const names = Array.from({ length: 1203 }, (_, i) => `cm-${String(i).padStart(4, "0")}`);
      const queue = [...names];
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let name = queue.shift(); name; name = queue.shift()) {
            await core.createNamespacedConfigMap({
              namespace: many.name,
              body: { metadata: { name, labels: managed }, data: {} },
            });
          }
        }),
      );
      // The server does page this namespace: one page of 500 ends with a continue token.
      const first = await core.listNamespacedConfigMap({ namespace: many.name, limit: 500 });
      expect(first.items).toHaveLength(500);
      expect(first.metadata?._continue).toBeTruthy();

      for (const pageSize of [undefined, 100]) {
        const { items, resourceVersion } = await client.list("v1", "ConfigMap", {
          namespace: many.name,
          labelSelector: managedSelector,
          ...(pageSize ? { pageSize } : {}),
        });
        expect(items.map((i) => i.metadata?.name)).toEqual(names);
        expect(items.every((i) => i.apiVersion === "v1" && i.kind === "ConfigMap")).toBe(true);
        expect(resourceVersion).toMatch(/^\d+$/);
      }
    } finally {
      await many.remove();
    }
  });
});
