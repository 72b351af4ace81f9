// How the cost grows with the work (issue 17): one repository with platforms of
// 50 components each (a Deployment, a Service and a ConfigMap per component),
// at 500, 1,000, 2,500 and 5,000 components (KUBEFOX_BENCH_SIZES=500,1000 picks
// sizes). Each platform follows its own branch (`branch/p<i>`), so a push to one
// branch changes one platform's inputs. Each size gets a fresh control plane
// with KWOK nodes, and the compiled controller runs as its own process(es), as
// the image runs it:
// - cold sync: from start to every platform's deployment applied (the
//   controller's `kubefox_gitops_deployments` gauge, scraped);
// - a push changing one component's image on one branch, with a signed
//   webhook: push→cluster p50/p95, seen by a watch on that namespace;
// - a webhook whose fetch finds nothing new: platforms reconciled (0);
// - no-op resyncs (a commit to the control branch that no platform reads, and
//   its webhook: fetch, then every platform reconciled): writes in the API
//   server's audit log, CPU per resync, and renders;
// - peak RSS (VmHWM) of each replica.
// Components run 0 replicas: the controller's cost does not depend on pods, and
// 5,000 pods would leave a 2-core machine's scheduler and KWOK no time for it.
// `replicas` above 1 starts that many controller processes sharding the
// platforms (`--shards 16`, as the install runs), and measures failover: one
// replica SIGKILLed, a push to a platform it owned, the time until another
// replica applied it.
import { createHmac, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { hostname } from "node:os";
import { CoordinationV1Api, KubeConfig, Watch, type V1Deployment } from "@kubernetes/client-node";
import { execa } from "execa";
import { startCluster, type Cluster } from "../hack/cluster/cluster.js";
import { startGitServerProcess } from "../hack/git/server-process.js";
import { WorkingCopy } from "../hack/git/working-copy.js";
import { shardOf } from "../controller/cluster/shard-plan.js";
import { runController, stats, type Stats } from "./cluster.js";
import { systemFiles } from "./systems.js";

const componentsPerPlatform = 50;
export const defaultSizes = [500, 1000, 2500, 5000];

export interface ScaleResult {
  components: number;
  platforms: number;
  objects: number;
  replicas: number;
  coldSyncMs: number;
  push: Stats;
  /** Deployments rendered by the pushes, over all of them (one each is the goal). */
  pushRenders: number;
  noop: {
    /** Platforms the syncs after a webhook whose fetch found nothing new asked to reconcile (0 is the goal). */
    idleWebhookReconciles: number;
    resyncs: number;
    /** Every write by the controller in the audit log (status and Events included). */
    writes: number;
    /** Writes to managed objects (status ConfigMaps and Events left out). */
    objectWrites: number;
    renders: number;
    /** Deployments compared with the live objects (0 once nothing moves). */
    compares: number;
    cpuMsPerResync: number;
    wallMsPerResync: number;
  };
  /** Per replica. */
  peakRssMb: number[];
  /** Objects each replica's watch caches held at the end (kubefox_gitops_cached_objects). */
  cachedObjects: number[];
  /** Replicas above 1: SIGKILL of an owner to a push to its platform applied by another. */
  failoverMs?: number;
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

export async function scaleBench(
  workDir: string,
  options: { sizes: number[]; replicas: number; pushes: number },
): Promise<ScaleResult[]> {
  // The build the container image runs (dist/), not the tsx loader used in development.
  await execa("npm", ["run", "build"], { cwd: root });
  const results: ScaleResult[] = [];
  for (const size of options.sizes) {
    const result = await oneSize(path.join(workDir, `scale-${size}`), size, options);
    console.error(formatScaleBench([result])); // progress: a size can take minutes
    results.push(result);
  }
  return results;
}

async function oneSize(
  workDir: string,
  components: number,
  options: { replicas: number; pushes: number },
): Promise<ScaleResult> {
  const platforms = Math.max(1, Math.round(components / componentsPerPlatform));
  // A fresh control plane per size: the watch caches list every managed object cluster-wide.
  const cluster = await startCluster({
    name: `scale-${process.pid}-${components}`,
    nodes: 2,
    owner: process.pid,
    log: () => undefined,
    // The controller manager's default 20 requests a second would take it over ten minutes
    // to make and update 5,000 Deployments' ReplicaSets and status, and each update wakes
    // the platform's reconcile: every figure after the cold sync would be taken under it.
    controllerManagerFlags: ["--kube-api-qps=500", "--kube-api-burst=1000"],
  });
  const server = await startGitServerProcess(path.join(workDir, "served"));
  const replicas: Replica[] = [];
  let watch: DeploymentWatch | undefined;
  try {
    const tag = randomBytes(3).toString("hex");
    const url = await server.createRepo("scale");
    const work = await WorkingCopy.clone(url);
    await work.write({
      ...systemFiles(componentsPerPlatform, "bench:0", 0),
      ...platformFilesFor(platforms, tag),
    });
    await work.commit("start");
    for (let p = 0; p < platforms; p++) await work.git("branch", `p${p}`);
    await work.git("push", "--quiet", "origin", "--all");

    const secret = randomBytes(16).toString("hex");
    const secretFile = path.join(workDir, "webhook-secret");
    await mkdir(workDir, { recursive: true });
    await writeFile(secretFile, secret);
    const started = performance.now();
    for (let r = 0; r < options.replicas; r++)
      replicas.push(await startReplica(cluster, workDir, url, secretFile, options.replicas > 1));
    const holders = () => shardHolders(cluster);
    // Every platform's deployment applied: its state is past Pending and not Failed.
    await waitFor(
      async () => (await appliedDeployments(replicas)) >= platforms,
      1_800_000,
      "cold sync",
    );
    const coldSyncMs = performance.now() - started;
    const api = await replicas[0]!.url;
    const hook = (branch: string) => webhook(api, secret, url, branch);

    // Let status settle (Deployments observed, status written), then push.
    await quiet(replicas, cluster);
    const rendersBefore = await sumMetric(replicas, "kubefox_gitops_render_total");
    const samples: number[] = [];
    for (let i = 1; i <= options.pushes; i++) {
      const p = (i * 7) % platforms;
      await work.git("checkout", "--quiet", `p${p}`);
      const image = `bench:push-${i}`;
      await work.write(
        systemFiles(componentsPerPlatform, "bench:0", 0, { component: 0, image: image }),
      );
      await work.commit(`push ${i}`);
      const name = `bench-branch-p${p}-app-0-c0`;
      watch = await watchDeployments(cluster, `scale-${tag}-${p}`);
      const t0 = performance.now();
      await work.push();
      await hook(`p${p}`);
      await watch.until(() => watch!.image(name) === image, 60_000, name);
      samples.push(performance.now() - t0);
      // Put it back, so the next push to this branch changes one component again.
      await work.write(systemFiles(componentsPerPlatform, "bench:0", 0));
      await work.commit(`back ${i}`);
      await work.push();
      await hook(`p${p}`);
      await watch.until(() => watch!.image(name) === "bench:0", 60_000, name);
      watch.stop();
    }
    const pushRenders = (await sumMetric(replicas, "kubefox_gitops_render_total")) - rendersBefore;

    // A webhook with nothing new: the fetch finds no change, and no platform reconciles.
    await quiet(replicas, cluster);
    const idlePlatforms0 = await sumMetric(replicas, "kubefox_gitops_sync_platforms_total");
    const idleSyncs0 = await sumMetric(replicas, "kubefox_gitops_syncs_total", 'fetch="true"');
    await hook("main");
    await waitFor(
      async () =>
        (await sumMetric(replicas, "kubefox_gitops_syncs_total", 'fetch="true"')) >=
        idleSyncs0 + replicas.length,
      60_000,
      "every replica's fetch after a webhook with nothing new",
    );
    const idleWebhookReconciles =
      (await sumMetric(replicas, "kubefox_gitops_sync_platforms_total")) - idlePlatforms0;

    // No-op resyncs: a commit to the control branch that changes nothing any platform reads
    // (a notes file), pushed with a webhook, until every platform reconciled: the control
    // branch's commit is an input of every platform, so each checks its deployments again.
    await work.git("checkout", "--quiet", "main");
    const resyncs = 5;
    const auditBefore = await auditCount(cluster);
    const objectAuditBefore = await auditCount(cluster, true);
    const renders0 = await sumMetric(replicas, "kubefox_gitops_render_total");
    const compares0 = await sumMetric(replicas, "kubefox_gitops_compare_total");
    const cpu0 = await Promise.all(replicas.map((r) => cpuMs(r.pid)));
    const wall0 = performance.now();
    for (let i = 0; i < resyncs; i++) {
      const reconciles = await sumMetric(
        replicas,
        "kubefox_gitops_reconcile_duration_seconds_count",
      );
      await work.write({ "NOTES.md": `resync ${i}\n` });
      await work.commit(`notes ${i}`);
      await work.push();
      await hook("main");
      await waitFor(
        async () =>
          (await sumMetric(replicas, "kubefox_gitops_reconcile_duration_seconds_count")) >=
          reconciles + platforms,
        120_000,
        "a resync of every platform",
      );
    }
    const wallMsPerResync = (performance.now() - wall0) / resyncs;
    const cpu1 = await Promise.all(replicas.map((r) => cpuMs(r.pid)));
    const cpuMsPerResync = cpu1.reduce((s, c, i) => s + c - cpu0[i]!, 0) / resyncs;
    const noop = {
      idleWebhookReconciles,
      resyncs,
      writes: (await auditCount(cluster)) - auditBefore,
      objectWrites: (await auditCount(cluster, true)) - objectAuditBefore,
      renders: (await sumMetric(replicas, "kubefox_gitops_render_total")) - renders0,
      compares: (await sumMetric(replicas, "kubefox_gitops_compare_total")) - compares0,
      cpuMsPerResync,
      wallMsPerResync,
    };
    const peakRssMb = await Promise.all(replicas.map((r) => peakRss(r.pid)));
    const cachedObjects = await Promise.all(
      replicas.map((r) => sumMetric([r], "kubefox_gitops_cached_objects")),
    );

    // Failover: the first replica dies; a push to a platform it owned is applied by another.
    let failoverMs: number | undefined;
    if (replicas.length > 1) {
      const victim = replicas[0]!;
      const held = await holders();
      const p = [...Array(platforms).keys()].find(
        (i) => held[shardOf(`s${i}`, SHARDS)] === `${hostname()}_${victim.pid}`,
      );
      if (p === undefined) throw new Error("scale bench: the first replica owns no platform");
      await work.git("checkout", "--quiet", `p${p}`);
      const image = "bench:failover";
      await work.write(systemFiles(componentsPerPlatform, "bench:0", 0, { component: 0, image }));
      await work.commit("failover");
      const name = `bench-branch-p${p}-app-0-c0`;
      watch = await watchDeployments(cluster, `scale-${tag}-${p}`);
      const survivor = await replicas[1]!.url;
      const t0 = performance.now();
      await victim.kill();
      await work.push();
      await webhook(survivor, secret, url, `p${p}`);
      await watch.until(() => watch!.image(name) === image, 120_000, `${name} after failover`);
      failoverMs = performance.now() - t0;
      watch.stop();
    }
    return {
      components,
      platforms,
      objects: components * 3,
      replicas: options.replicas,
      coldSyncMs,
      push: stats(samples),
      pushRenders,
      noop,
      peakRssMb,
      cachedObjects,
      ...(failoverMs !== undefined ? { failoverMs } : {}),
    };
  } finally {
    watch?.stop();
    await Promise.all(replicas.map((r) => r.stop()));
    await server.close();
    await cluster.stop();
  }
}

function platformFilesFor(platforms: number, tag: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (let p = 0; p < platforms; p++) {
    files[`platforms/s${p}.yaml`] = `apiVersion: kubefox.io/v1alpha1
kind: Platform
metadata: {name: s${p}}
spec:
  namespace: scale-${tag}-${p}
  deployments:
    - ref: branch/p${p}
`;
  }
  return files;
}

interface Replica {
  pid: number;
  url: Promise<string>;
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

/** Shards over the replicas when there are several, as the install runs them. */
const SHARDS = 16;

/** Holder identity of each shard's Lease (`<host>_<pid>`), by shard. */
async function shardHolders(cluster: Cluster): Promise<string[]> {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const api = kc.makeApiClient(CoordinationV1Api);
  const leases = await api.listLeaseForAllNamespaces();
  const byShard: string[] = [];
  for (const lease of leases.items) {
    const m = /-shard-(\d+)$/.exec(lease.metadata?.name ?? "");
    if (m) byShard[Number(m[1])] = lease.spec?.holderIdentity ?? "";
  }
  return byShard;
}

/** The compiled CLI in its own process; with `elect`, sharding with the others (several replicas). */
function startReplica(
  cluster: Cluster,
  workDir: string,
  repo: string,
  secretFile: string,
  elect: boolean,
): Promise<Replica> {
  return runController(
    cluster,
    workDir,
    repo,
    [
      "--webhook-secret-file",
      secretFile,
      // Once a year: only webhooks trigger.
      "--poll",
      "0 0 1 1 *",
      ...(elect
        ? ["--leader-elect", "--shards", String(SHARDS), "--leader-election-namespace", "default"]
        : []),
    ],
    true,
  );
}

async function webhook(api: string, secret: string, repo: string, branch: string) {
  const body = JSON.stringify({ repository: repo, ref: `refs/heads/${branch}` });
  const signature = createHmac("sha256", secret).update(body).digest("hex");
  const reply = await fetch(`${api}/webhooks/generic`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-signature": `sha256=${signature}` },
    body,
  });
  if (reply.status !== 202) throw new Error(`webhook: ${reply.status} ${await reply.text()}`);
}

/** Deployments past Pending and not Failed, by the replicas' `kubefox_gitops_deployments` gauges. */
async function appliedDeployments(replicas: Replica[]): Promise<number> {
  let sum = 0;
  for (const state of ["Progressing", "Ready", "Degraded"])
    sum += await sumMetric(replicas, "kubefox_gitops_deployments", `state="${state}"`);
  return sum;
}

/** The sum over every replica and label set of one metric (those whose labels contain `having`). */
async function sumMetric(replicas: Replica[], name: string, having = ""): Promise<number> {
  let sum = 0;
  for (const r of replicas) {
    const text = await fetch(`${await r.url}/metrics`).then((x) => x.text());
    for (const line of text.split("\n")) {
      const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
      if (m && m[1] === name && (m[2] ?? "").includes(having)) sum += Number(m[3]);
    }
  }
  return sum;
}

/**
 * Until five seconds pass with no write in the audit log but Leases and Events, by the
 * controller (status included) or anyone else: the cluster's own controllers take a
 * while to make 5,000 new Deployments' ReplicaSets and bring their status up to date,
 * and each update wakes the platform's reconcile.
 */
async function quiet(replicas: Replica[], cluster: Cluster): Promise<void> {
  const state = async () => `${await auditCount(cluster)} ${await auditCount(cluster, false, "")}`;
  let last = await state();
  let since = performance.now();
  const deadline = since + 300_000;
  while (performance.now() - since < 5000 && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await state();
    if (now !== last) {
      last = now;
      since = performance.now();
    }
  }
}

/**
 * The controller's writes in the audit log but Leases; with `objectsOnly`, not to status
 * ConfigMaps or Events either. `user` "" counts everyone's writes but Leases and Events.
 */
async function auditCount(
  cluster: Cluster,
  objectsOnly = false,
  user = cluster.controllerUser,
): Promise<number> {
  const text = await readFile(cluster.auditLog, "utf8");
  let n = 0;
  const needle = user ? `"username":"${user}"` : '"verb":"';
  for (const line of text.split("\n")) {
    // Lease renewals (leader election, shards, nodes) are heartbeats, not the work.
    if (!line.includes(needle) || line.includes('"resource":"leases"')) continue;
    if (!user && (line.includes('"resource":"events"') || readOnly.test(line))) continue;
    if (
      objectsOnly &&
      (line.includes('"resource":"events"') || line.includes("kubefox-gitops-status"))
    )
      continue;
    n++;
  }
  return n;
}

const readOnly = /"verb":"(get|list|watch)"/;

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`scale bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** User and system CPU of a process so far, in ms. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of stat (11 and 12 after the command).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

interface DeploymentWatch {
  image(name: string): string | undefined;
  until(check: () => boolean, timeoutMs: number, what: string): Promise<void>;
  stop(): void;
}

/** Every Deployment of a namespace, as the API server's watch reports it. */
async function watchDeployments(cluster: Cluster, namespace: string): Promise<DeploymentWatch> {
  const images = new Map<string, string>();
  let waiter: (() => void) | undefined;
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const controller = await new Watch(kc).watch(
    `/apis/apps/v1/namespaces/${namespace}/deployments`,
    {},
    (type: string, obj: V1Deployment) => {
      const key = obj.metadata?.name ?? "";
      if (type === "DELETED") images.delete(key);
      else images.set(key, obj.spec?.template.spec?.containers[0]?.image ?? "");
      waiter?.();
    },
    () => undefined,
  );
  return {
    image: (name) => images.get(name),
    async until(check, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`scale bench: timed out waiting for ${what}`);
        await new Promise<void>((resolve) => {
          waiter = resolve;
          setTimeout(resolve, 100);
        });
      }
    },
    stop: () => controller.abort(),
  };
}

export function formatScaleBench(results: ScaleResult[]): string {
  const ms = (n: number) => `${Math.round(n)} ms`;
  const lines = [
    "",
    `Scale: one repository, platforms of ${componentsPerPlatform} components on their own branches (issue 17)`,
  ];
  for (const r of results) {
    lines.push(
      `  ${r.components} components (${r.platforms} platforms, ${r.objects} objects), ${r.replicas} replica(s)`,
      `    cold sync          ${ms(r.coldSyncMs)} to every Deployment applied`,
      `    one-component push p50 ${ms(r.push.medianMs)}, p95 ${ms(r.push.p95Ms)} over ${r.push.runs} pushes, ${r.pushRenders} deployments rendered for ${r.push.runs * 2} commits   (goal at 5,000: p50 <= 500 ms, p95 <= 1 s)`,
      `    idle webhook       ${r.noop.idleWebhookReconciles} platforms reconciled after a webhook with nothing new   (goal: 0)`,
      `    no-op resync       ${r.noop.writes} writes in the audit log (${r.noop.objectWrites} to managed objects), ${r.noop.renders} renders, ${r.noop.compares} compares over ${r.noop.resyncs}; ${r.noop.cpuMsPerResync.toFixed(0)} ms CPU, ${ms(r.noop.wallMsPerResync)} wall per resync   (goal: 0 writes)`,
      `    peak RSS           ${r.peakRssMb.map((m) => `${m.toFixed(0)} MB`).join(", ")}   (goal at 5,000: <= 400 MB with one replica, falling with more)`,
      `    watch caches       ${r.cachedObjects.join(", ")} objects held`,
    );
    if (r.failoverMs !== undefined)
      lines.push(
        `    failover           ${ms(r.failoverMs)} from SIGKILL of an owner to a push to its platform applied by another replica`,
      );
  }
  return lines.join("\n");
}
