// A paginated list whose continue token expires half-way (issue 16): a cluster
// of this file's own whose API server reads continue pages from etcd, as every
// Kubernetes before 1.34 does (1.34 serves them from its watch cache's
// snapshots: `ListFromCacheSnapshot`, turned off here). After the first page,
// more objects are written and etcd is compacted at its current revision, so
// the real API server answers the next page with 410 Expired. The client
// starts the list again and returns every object exactly once, including those
// written meanwhile.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterClient } from "../../controller/cluster/client.js";
import { KubeApiError } from "../../controller/cluster/http.js";
import { loadConnection } from "../../controller/cluster/kubeconfig.js";
import { createLogger } from "../../controller/log.js";
import { startCluster, type Cluster } from "../../hack/cluster/cluster.js";
import { clients } from "../support/kube.js";
import { KubeConfig } from "@kubernetes/client-node";

let cluster: Cluster;
const namespace = "paged";

/** Compacts etcd at its current revision (its JSON gateway), as the API server does every 5 minutes. */
async function compactEtcd(): Promise<void> {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${cluster.etcd}${path}`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`etcd ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { header: { revision: string } };
  };
  const { header } = await post("/v3/kv/range", { key: Buffer.from("/").toString("base64") });
  await post("/v3/kv/compaction", { revision: header.revision, physical: true });
}

describe("a paginated list whose continue token expires", () => {
  beforeAll(async () => {
    cluster = await startCluster({
      name: `list-expired-${process.pid}-${randomBytes(2).toString("hex")}`,
      nodes: 0,
      owner: process.pid,
      log: () => undefined,
      apiserverFlags: ["--feature-gates=ListFromCacheSnapshot=false"],
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("starts the list again on 410 and returns every object once", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    const { core } = clients(kc);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const create = (name: string) =>
      core.createNamespacedConfigMap({ namespace, body: { metadata: { name }, data: {} } });
    for (let i = 0; i < 9; i++) await create(`before-${i}`);

    const log: Array<{ msg: string }> = [];
    const client = new ClusterClient(loadConnection({ file: cluster.kubeconfig }), {
      log: createLogger({ level: "info", write: (line) => log.push(JSON.parse(line)) }),
    });
    // The real requests, watched: once the first page is back, the token is
    // made stale for real (more writes, then an etcd compaction).
    const http = (client as unknown as { http: { request: (...a: unknown[]) => Promise<unknown> } })
      .http;
    const request = http.request.bind(http);
    let staled = false;
    const expired: unknown[] = [];
    http.request = async (...args: unknown[]) => {
      const answer = await request(...args).catch((err: unknown) => {
        if (err instanceof KubeApiError && err.statusCode === 410) expired.push(err);
        throw err;
      });
      const page = answer as { metadata?: { continue?: string } } | undefined;
      if (page?.metadata?.continue && !staled) {
        staled = true;
        for (let i = 0; i < 3; i++) await create(`during-${i}`);
        await compactEtcd();
      }
      return answer;
    };
    try {
      const { items } = await client.list("v1", "ConfigMap", { namespace, pageSize: 4 });
      const names = items
        .map((o) => o.metadata?.name ?? "")
        .filter((n) => n !== "kube-root-ca.crt");
      expect(expired).toHaveLength(1);
      expect(names.sort()).toEqual(
        [
          ...Array.from({ length: 9 }, (_, i) => `before-${i}`),
          ...Array.from({ length: 3 }, (_, i) => `during-${i}`),
        ].sort(),
      );
      expect(log.map((l) => l.msg)).toContain(
        "list continue token expired; listing again from the start",
      );
    } finally {
      client.close();
    }
  });
});
