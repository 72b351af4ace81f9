// A push rolls only what it changed (issue 11), at 500 components on a local
// control plane with KWOK nodes. The controller runs in this process on a local
// repository (a commit is the push; its refs are watched), and each kind of
// commit is measured by what it costs the cluster:
// - writes: the API server's audit log of the controller's writes to managed
//   objects (the status ConfigMap and Events left out);
// - pods restarted: pods that existed before the commit and are gone after it
//   settled (a rollout replaces them);
// - push→applied: the commit to the end of the reconcile that applied it.
// Baseline, in the same run: a commit that changes every component's image, which
// is what every commit cost before issue 11 (each object was labelled with the
// new commit, so each was written and each pod rolled).
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import type { Cluster } from "../hack/cluster/cluster.js";
import { WorkingCopy } from "../hack/git/working-copy.js";
import { Controller } from "../controller/sync/controller.js";
import { silentLogger } from "../controller/log.js";
import { parseSettings } from "../controller/cli/settings.js";
import { stats, type Stats } from "./cluster.js";
import { platformFiles, systemFiles } from "./systems.js";

export interface RolloutCase {
  commits: number;
  /** Writes to managed objects per commit (median), from the audit log. */
  writes: number;
  /** Pods restarted per commit (median). */
  podsRestarted: number;
  pushToApplied: Stats;
}

export interface RolloutBenchResult {
  components: number;
  docsOnly: RolloutCase;
  oneComponent: RolloutCase;
  /** Every component changed: what any commit cost before issue 11. */
  baseline: RolloutCase;
}

export async function rolloutBench(cluster: Cluster, workDir: string): Promise<RolloutBenchResult> {
  const components = 500;
  const namespace = `rollout-${randomBytes(3).toString("hex")}`;
  const work = await WorkingCopy.init(path.join(workDir, "rollout-repo"));
  let image = "bench:r0";
  let docs = 0;
  let knob = 0;
  const files = () => {
    const system = systemFiles(components, image);
    // Component c0's variables: the one-component change.
    system["apps/app-0/app.yaml"] = system["apps/app-0/app.yaml"]!.replace(
      'env: {INDEX: "0"}',
      `env: {INDEX: "0", KNOB: "${knob}"}`,
    );
    return { ...system, ...platformFiles(namespace), "README.md": `docs ${docs}\n` };
  };
  await work.write(files());
  await work.commit("start");

  const settings = parseSettings(
    [
      "--repo",
      work.dir,
      "--kubeconfig",
      cluster.controllerKubeconfig,
      "--state-dir",
      path.join(workDir, "rollout-state"),
      "--poll",
      "0 0 1 1 *",
      "--listen",
      "127.0.0.1:0",
    ],
    {},
  );
  const controller = new Controller(settings, silentLogger);
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);

  /** Commits, and resolves when a reconcile has applied that commit. */
  const commitAndApply = async (message: string): Promise<number> => {
    await work.write(files());
    await work.git("add", "--all");
    let id = "";
    const applied = new Promise<number>((resolve) => {
      const onPlatform = (e: { platform: { deployments: { appliedId: string }[] } }) => {
        if (id && e.platform.deployments[0]?.appliedId === id) {
          controller.bus.off("platform", onPlatform);
          resolve(performance.now());
        }
      };
      controller.bus.on("platform", onPlatform);
    });
    const started = performance.now();
    id = await work.commit(message);
    return (await applied) - started;
  };

  /** Waits until every Deployment is rolled out and no pod is terminating. */
  const rolledOut = async () => {
    for (let i = 0; i < 600; i++) {
      const deployments = (await apps.listNamespacedDeployment({ namespace })).items;
      const pods = (await core.listNamespacedPod({ namespace })).items;
      const done =
        deployments.length === components &&
        deployments.every(
          (d) =>
            (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
            d.status?.updatedReplicas === d.spec?.replicas &&
            d.status?.readyReplicas === d.spec?.replicas &&
            (d.status?.replicas ?? 0) === d.spec?.replicas,
        ) &&
        pods.length === components &&
        pods.every((p) => !p.metadata?.deletionTimestamp);
      if (done) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`bench: ${namespace} did not roll out`);
  };
  const podUids = async () =>
    new Set((await core.listNamespacedPod({ namespace })).items.map((p) => p.metadata!.uid!));

  const measure = async (commits: number, change: () => void, what: string) => {
    const writes: number[] = [];
    const restarted: number[] = [];
    const times: number[] = [];
    for (let i = 0; i < commits; i++) {
      const before = await podUids();
      const since = new Date();
      change();
      times.push(await commitAndApply(`${what} ${i}`));
      await rolledOut();
      const after = await podUids();
      restarted.push([...before].filter((uid) => !after.has(uid)).length);
      writes.push(await objectWrites(cluster, namespace, since));
    }
    return {
      commits,
      writes: stats(writes).medianMs,
      podsRestarted: stats(restarted).medianMs,
      pushToApplied: stats(times),
    };
  };

  try {
    const started = new Promise<void>((resolve) => {
      const onPlatform = (e: { platform: { deployments: { appliedId: string }[] } }) => {
        if (e.platform.deployments[0]?.appliedId) {
          controller.bus.off("platform", onPlatform);
          resolve();
        }
      };
      controller.bus.on("platform", onPlatform);
    });
    await controller.start();
    await started;
    await rolledOut();
    const docsOnly = await measure(5, () => docs++, "docs");
    const oneComponent = await measure(10, () => knob++, "c0 knob");
    let round = 0;
    const baseline = await measure(3, () => (image = `bench:r${++round}`), "every image");
    return { components, docsOnly, oneComponent, baseline };
  } finally {
    await controller.stop();
  }
}

/** The controller's writes to this namespace's managed objects since `since`, from the audit log. */
async function objectWrites(cluster: Cluster, namespace: string, since: Date): Promise<number> {
  const text = await readFile(cluster.auditLog, "utf8");
  let n = 0;
  for (const line of text.split("\n")) {
    if (!line.includes(`"username":"${cluster.controllerUser}"`)) continue;
    const e = JSON.parse(line) as {
      requestReceivedTimestamp: string;
      objectRef?: { namespace?: string; resource?: string; name?: string };
    };
    if (
      new Date(e.requestReceivedTimestamp) >= since &&
      e.objectRef?.namespace === namespace &&
      e.objectRef.resource !== "events" &&
      e.objectRef.name !== "kubefox-gitops-status"
    )
      n++;
  }
  return n;
}

export function formatRolloutBench(r: RolloutBenchResult): string {
  const ms = (n: number) => `${Math.round(n)} ms`;
  const row = (name: string, c: RolloutCase) =>
    `  ${name.padEnd(18)} ${String(c.writes).padStart(5)} writes, ${String(c.podsRestarted).padStart(4)} pods restarted, push→applied median ${ms(c.pushToApplied.medianMs)}, p95 ${ms(c.pushToApplied.p95Ms)} (${c.commits} commits)`;
  return [
    "",
    `A push rolls only what it changed (${r.components} components; writes to managed objects from the audit log, per commit)`,
    row("docs-only commit", r.docsOnly),
    row("one component", r.oneComponent),
    row("baseline", r.baseline),
    `  (baseline: every component's image changed, which is what any commit cost before issue 11)`,
    `  ratio              docs-only ${(r.docsOnly.writes / r.baseline.writes).toFixed(3)}x the baseline's writes, one component ${(r.oneComponent.writes / r.baseline.writes).toFixed(3)}x; push→applied ${(r.oneComponent.pushToApplied.medianMs / r.baseline.pushToApplied.medianMs).toFixed(2)}x (median)`,
  ].join("\n");
}
