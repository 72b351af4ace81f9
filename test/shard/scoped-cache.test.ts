// The watch cache of a sharded replica (issue 17), against the real API server:
// it holds only the platforms included in it (those the replica owns), tells
// changes of those only, lets go of a platform another replica took, and still
// holds (and tells changes of) every platform's status ConfigMap, from which
// any replica shows every platform.
import type { KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManagedCache, type ChangeType } from "../../controller/cluster/cache.js";
import type { ClusterClient } from "../../controller/cluster/client.js";
import { labels, managedByValue } from "../../controller/cluster/labels.js";
import { createLogger } from "../../controller/log.js";
import { statusConfigMapName } from "../../controller/status/store.js";
import { clients, clusterClient, createNamespace, eventually } from "../support/kube.js";

const platforms = ["alpha", "beta", "gamma"] as const;
type Platform = (typeof platforms)[number];
const namespaces = {} as Record<Platform, { name: string; remove: () => Promise<void> }>;
let client: ClusterClient;
let cache: ManagedCache;
const told: { type: ChangeType; platform: string; name: string }[] = [];

function configMap(platform: Platform, name: string, data: Record<string, string>) {
  return {
    metadata: {
      name,
      namespace: namespaces[platform].name,
      labels: {
        [labels.managedBy]: managedByValue,
        [labels.platform]: platform,
        ...(name === statusConfigMapName ? { [labels.owner]: "status" } : {}),
      },
    },
    data,
  };
}

async function create(platform: Platform, name: string, data: Record<string, string> = {}) {
  await clients().core.createNamespacedConfigMap({
    namespace: namespaces[platform].name,
    body: configMap(platform, name, data),
  });
}

async function change(platform: Platform, name: string, data: Record<string, string>) {
  await clients().core.replaceNamespacedConfigMap({
    name,
    namespace: namespaces[platform].name,
    body: configMap(platform, name, data),
  });
}

/** Waits until `check` stops throwing. */
function until(check: () => void): Promise<true> {
  return eventually(() => {
    check();
    return Promise.resolve(true as const);
  });
}

/** Names of the ConfigMaps the cache holds, as `<platform>/<name>`. */
function held(): string[] {
  const ours = new Set(platforms.map((p) => namespaces[p].name));
  return cache
    .list("v1", "ConfigMap")
    .filter((o) => ours.has(o.metadata?.namespace ?? ""))
    .map((o: KubernetesObject) => `${o.metadata?.labels?.[labels.platform]}/${o.metadata?.name}`)
    .sort();
}

describe("a scoped watch cache", () => {
  beforeAll(async () => {
    for (const p of platforms) namespaces[p] = await createNamespace(`scoped-${p}`);
    for (const p of platforms) {
      await create(p, "settings");
      await create(p, statusConfigMapName, { "status.json": "{}" });
    }
    client = clusterClient();
    cache = new ManagedCache(client, createLogger({ level: "error" }), { scoped: true });
    // The test cluster is shared: only this file's namespaces count.
    const ours = new Set(platforms.map((p) => namespaces[p].name));
    cache.onChange((type, obj) => {
      if (!ours.has(obj.metadata?.namespace ?? "")) return;
      told.push({
        type,
        platform: obj.metadata?.labels?.[labels.platform] ?? "",
        name: obj.metadata?.name ?? "",
      });
    });
  });
  afterAll(async () => {
    await cache?.stop();
    client?.close();
    for (const p of platforms) await namespaces[p]?.remove();
  });

  it("holds nothing of a platform before it is included, but every status ConfigMap", async () => {
    await cache.ensure("v1", "ConfigMap");
    expect(held()).toEqual([]);
    // The first list of the status ConfigMaps tells each (as any first list does).
    expect(told.map((t) => t.platform).sort()).toEqual([...platforms]);
    told.length = 0;
    for (const p of platforms) {
      const ref = {
        apiVersion: "v1",
        kind: "ConfigMap",
        name: statusConfigMapName,
        namespace: namespaces[p].name,
      };
      expect(cache.get(ref)?.metadata?.name).toBe(statusConfigMapName);
    }
  });

  it("holds an included platform's objects once include resolves, and tells only its changes", async () => {
    await cache.include("alpha");
    expect(held()).toEqual([`alpha/${statusConfigMapName}`, "alpha/settings"]);
    expect(told).toEqual([]); // a platform that comes is not a change

    await change("beta", "settings", { ignored: "yes" });
    await change("alpha", "settings", { drift: "yes" });
    await until(() =>
      expect(told).toContainEqual({ type: "update", platform: "alpha", name: "settings" }),
    );
    expect(told.filter((t) => t.platform === "beta")).toEqual([]);
  });

  it("tells a change of any platform's status ConfigMap, held or not", async () => {
    told.length = 0;
    await change("gamma", statusConfigMapName, { "status.json": '{"system":"changed"}' });
    await until(() =>
      expect(told).toContainEqual({ type: "update", platform: "gamma", name: statusConfigMapName }),
    );
  });

  it("takes several platforms in one re-list, and lets go of one without telling a delete", async () => {
    await Promise.all([cache.include("beta"), cache.include("gamma")]);
    expect(held()).toEqual(
      platforms.flatMap((p) => [`${p}/${statusConfigMapName}`, `${p}/settings`]).sort(),
    );
    told.length = 0;
    cache.exclude("alpha");
    await until(() => expect(held().filter((h) => h.startsWith("alpha/"))).toEqual([]));
    expect(told.filter((t) => t.type === "delete")).toEqual([]);

    // Still watching the others: a new object of one held is told.
    await create("beta", "more");
    await until(() => expect(told).toContainEqual({ type: "add", platform: "beta", name: "more" }));
  });
});
