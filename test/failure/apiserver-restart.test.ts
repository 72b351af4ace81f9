// The kube-apiserver dies in the middle of a sync (issue 8, failure tests): a
// cluster of this file's own (the shared one serves other suites in parallel),
// a 61-component push, the API server SIGKILLed once some of the new objects
// exist and started again 5 seconds later on the same port with etcd intact.
// The controller retries with backoff, says in the status that the cluster is
// unavailable while what ran before keeps running, converges (every object
// there once, the deployment Ready), and prunes nothing it should not: another
// deployment of the same platform and an object nobody labelled both stay.
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../../hack/cluster/cluster.js";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { apiBase } from "../../webhooks/api/types.js";
import { request, serverUrl } from "../support/api.js";
import {
  startController,
  type DeploymentView,
  type RunningController,
} from "../support/controller.js";
import {
  Cleanup,
  deploymentStatusIn,
  healthy,
  logRecords,
  storedStatusIn,
} from "../support/failure-helpers.js";
import { createRepoWithClone } from "../support/git.js";
import { clients, eventually } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";

const namespace = `apikill-${randomBytes(3).toString("hex")}`;
const components = 60;
const cleanup = new Cleanup();

let cluster: Cluster;
let kc: KubeConfig;
let work: WorkingCopy;
let controller: RunningController;
let base: string;

const many = Array.from(
  { length: components },
  (_, i) =>
    `    c${i}:\n      image: ghcr.io/acme/c:${i}\n      replicas: 1\n      ports: [{name: http, containerPort: 8080}]\n`,
).join("");

/** Names of the namespace's objects of one kind, optionally only those starting with `prefix`. */
async function names(kind: "Deployment" | "Service" | "ConfigMap", prefix = ""): Promise<string[]> {
  const { apps, core } = clients(kc);
  const list =
    kind === "Deployment"
      ? await apps.listNamespacedDeployment({ namespace })
      : kind === "Service"
        ? await core.listNamespacedService({ namespace })
        : await core.listNamespacedConfigMap({ namespace });
  return list.items
    .map((o: KubernetesObject) => o.metadata?.name ?? "")
    .filter((n) => n.startsWith(prefix))
    .sort();
}

async function uidOf(kind: "Deployment" | "Service" | "ConfigMap", name: string) {
  const { apps, core } = clients(kc);
  const obj =
    kind === "Deployment"
      ? await apps.readNamespacedDeployment({ name, namespace })
      : kind === "Service"
        ? await core.readNamespacedService({ name, namespace })
        : await core.readNamespacedConfigMap({ name, namespace });
  return obj.metadata?.uid;
}

describe("the kube-apiserver killed in the middle of a sync", () => {
  beforeAll(async () => {
    cluster = await startCluster({
      name: `failure-apiserver-${process.pid}-${randomBytes(2).toString("hex")}`,
      nodes: 2,
      owner: process.pid,
      log: () => undefined,
    });
    cleanup.add(() => cluster.stop());
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);

    // Someone's object, made by hand before the controller ever ran: never ours to touch.
    await clients(kc).core.createNamespace({ body: { metadata: { name: namespace } } });
    await clients(kc).core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: "made-by-hand" }, data: { note: "not kubefox-gitops's" } },
    });

    const created = await createRepoWithClone("apikill");
    work = created.work;
    cleanup.add(() => work.remove());
    // Two deployments of one platform: main (about to grow) and stable (must stay as it is).
    await work.commitAndPush(
      { ...systemFiles(), ...platformFile("p", namespace, ["branch/main", "branch/stable"]) },
      "main and stable",
    );
    await work.git("push", "--quiet", "origin", "HEAD:refs/heads/stable");
    controller = await startController(created.repo.url, {
      // A later --kubeconfig wins: this controller talks to this file's own cluster only.
      args: ["--kubeconfig", cluster.controllerKubeconfig],
    });
    cleanup.add(() => rm(controller.stateDir, { recursive: true, force: true }));
    cleanup.add(() => controller.stop());
    base = await serverUrl(controller.logs);
    for (const ref of ["branch/main", "branch/stable"]) {
      await deploymentStatusIn(kc, namespace, ref, (d) => d.state === "Ready", `${ref} Ready`);
    }
  });

  afterAll(() => cleanup.run());

  it("retries with backoff, converges, and prunes nothing it should not", async () => {
    const stableUids = {
      Deployment: await uidOf("Deployment", "shop-branch-stable-store-web"),
      Service: await uidOf("Service", "shop-branch-stable-store-web"),
      ConfigMap: await uidOf("ConfigMap", "shop-branch-stable-store-web"),
    };
    const handMade = await clients(kc).core.readNamespacedConfigMap({
      name: "made-by-hand",
      namespace,
    });

    const before = (await storedStatusIn(kc, namespace))?.deployments.find(
      (d) => d.ref === "branch/main",
    )?.appliedId;
    const id = await work.commitAndPush(
      systemFiles({ extraComponents: many }),
      `${components} more components`,
    );
    // ConfigMaps go first, then Services, then Deployments: kill it once the first new
    // ConfigMap is there, so that most of the sync is still to do.
    await eventually(
      async () => {
        const found = await names("ConfigMap", "shop-branch-main-store-c");
        return found.length > 0 ? true : undefined;
      },
      { intervalMs: 10, what: "the first new ConfigMap applied", timeoutMs: 30_000 },
    );
    const logLinesAtKill = logRecords(controller.logs()).length;
    await cluster.stopComponent("kube-apiserver");
    const killedAt = Date.now();
    // Every status of main from now on, as a user sees it: with the cluster (where the status is
    // stored) down, from the controller's API. Once the cluster answers again the controller
    // retries at once, so a failure may never reach the stored copy, and need not.
    const seen: DeploymentView[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const reply = await request(`${base}${apiBase}/platform/p/deployment/shop/branch/main`);
        const d = (reply.body as { data?: { status?: DeploymentView } }).data?.status;
        const last = seen[seen.length - 1];
        if (d && (d.state !== last?.state || d.lastError !== last.lastError)) seen.push(d);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // Meanwhile the process is alive and its HTTP server answers at once, cluster or not.
    expect(await healthy(base)).toBe(true);
    const during = await request(`${base}${apiBase}/platform/p/deployment/shop/branch/main`);
    expect(during.status).toBe(200);
    // Down for about 7 s (5 s, then its start): longer than one call's retries last (6.2 s at
    // most), so the calls cut off give up. Not much longer: KWOK's own backoff would then
    // hold the pods back for half a minute after the restart (about 15 s after a 7 s outage).
    await new Promise((r) => setTimeout(r, Math.max(0, 5000 - (Date.now() - killedAt))));
    await cluster.startComponent("kube-apiserver");

    // The same sync, or the next one, gets everything in; the status says Ready at the new commit.
    let ready: DeploymentView;
    try {
      ready = await deploymentStatusIn(
        kc,
        namespace,
        "branch/main",
        (d) => d.id === id && d.appliedId === id && d.state === "Ready",
        "main Ready at the new commit after the restart",
        90_000,
      );
    } finally {
      watching = false;
      await watcher;
    }

    // On the way, the sync cut off said why, with the code that says it is retried, and that
    // what ran before still runs: Failed at the new commit, the old one still applied.
    const failed = seen.find((d) => d.state === "Failed");
    expect(failed, JSON.stringify(seen.map((d) => [d.state, d.lastErrorCode]))).toBeDefined();
    expect(failed).toMatchObject({ id, appliedId: before, lastErrorCode: "ClusterUnavailable" });
    expect(failed?.lastError).toMatch(
      /^ConfigMap shop-branch-main-store-\w+: apply ConfigMap \S+ on https:\/\/127\.0\.0\.1:\d+: /,
    );
    // It was cut off in the middle: part of the new objects in, its inventory the old and those.
    expect(failed!.inventory.length).toBeGreaterThan(3);
    expect(failed!.inventory.length).toBeLessThan(3 * (components + 1));

    // It retried with growing delays (not one fixed pause).
    const afterKill = logRecords(controller.logs()).slice(logLinesAtKill);
    const retries = afterKill.filter((r) => r.msg === "cluster call failed, retrying");
    expect(retries.length, "retries logged after the kill").toBeGreaterThan(0);
    const delays = retries.map((r) => Number(r.delayMs));
    const attempts = retries.map((r) => Number(r.attempt));
    expect(Math.max(...attempts)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...delays)).toBeGreaterThan(Math.min(...delays) * 2);
    // Once a call gave up, the cluster counted as down (calls after it tried once), until
    // the first answer after the restart.
    const messages = afterKill.map((r) => r.msg);
    const down = messages.indexOf("cluster unavailable: calls fail at once until one is answered");
    expect(down, "the cluster marked unavailable").toBeGreaterThanOrEqual(0);
    expect(messages.indexOf("cluster answers again", down)).toBeGreaterThan(down);

    // Every object of main there once, nothing else of ours, and the inventory says the same.
    const main = "shop-branch-main-store-";
    const wanted = ["web", ...Array.from({ length: components }, (_, i) => `c${i}`)]
      .map((c) => main + c)
      .sort();
    expect(await names("Deployment", main)).toEqual(wanted);
    expect(await names("Service", main)).toEqual(wanted);
    expect(await names("ConfigMap", main)).toEqual(wanted);
    expect(ready.inventory.map((e) => `${e.kind}/${e.name}`).sort()).toEqual(
      [
        ...wanted.map((n) => `ConfigMap/${n}`),
        ...wanted.map((n) => `Deployment/${n}`),
        ...wanted.map((n) => `Service/${n}`),
      ].sort(),
    );
    expect(ready.components).toHaveLength(components + 1);
    expect(ready.components.every((c) => c.state === "Ready")).toBe(true);

    // Nothing it should not prune: the other deployment's objects are the very same objects,
    // the hand-made ConfigMap is untouched, and the whole namespace holds nothing unexpected.
    for (const kind of ["Deployment", "Service", "ConfigMap"] as const) {
      expect(await uidOf(kind, "shop-branch-stable-store-web"), kind).toBe(stableUids[kind]);
    }
    const stillHandMade = await clients(kc).core.readNamespacedConfigMap({
      name: "made-by-hand",
      namespace,
    });
    expect(stillHandMade.metadata?.uid).toBe(handMade.metadata?.uid);
    expect(stillHandMade.metadata?.resourceVersion).toBe(handMade.metadata?.resourceVersion);
    expect(stillHandMade.metadata?.labels ?? {}).toEqual({});
    expect(await names("Deployment")).toEqual([...wanted, "shop-branch-stable-store-web"].sort());
    const stable = (await storedStatusIn(kc, namespace))?.deployments.find(
      (d) => d.ref === "branch/stable",
    );
    expect(stable?.state).toBe("Ready");

    // And the controller lived through it: one process, no crash, no restart.
    expect(controller.process.exitCode).toBeNull();
  }, 120_000);
});
