// Sharding (issue 17), against a local control plane with KWOK nodes, every
// replica a real `kubefox-gitops run` process:
// 1. cold sync: P platforms of C components each (a Deployment, a Service and
//    a ConfigMap per component), from the replicas' start (the last one to
//    listen: loading Node and tsx is not the work) to every Deployment applied,
//    with 1, 2 and 3 replicas started together (1 replica is the baseline).
// 2. failover: with 3 replicas in sync, SIGKILL the owner of a platform, commit a
//    new image at once, and time until every platform it owned runs it; beside
//    the lease duration, which bounds when another replica may take over.
// The sizes are modest (this machine has 2 cores, shared); set
// KUBEFOX_BENCH_SHARD_PLATFORMS and KUBEFOX_BENCH_SHARD_COMPONENTS for more.
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { AppsV1Api, CoordinationV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { execa, type ResultPromise } from "execa";
import { startCluster, type Cluster } from "../hack/cluster/cluster.js";
import { WorkingCopy } from "../hack/git/working-copy.js";
import { shardOf } from "../controller/cluster/shard-plan.js";
import { imageNodeFlags } from "./node-flags.js";
import { systemFiles } from "./systems.js";
import { stats, type Stats } from "./cluster.js";

export interface ShardBenchResult {
  platforms: number;
  componentsPerPlatform: number;
  shards: number;
  /** Start of the replicas to every Deployment applied. */
  coldSync: { replicas: number; ms: number; ratioToOne: number }[];
  failover: { leaseMs: number; runs: Stats };
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const cli = path.join(root, "controller", "cli.ts");
const shards = 6;
// The defaults (15 s, 10 s, 2 s): shorter times lapse on a loaded 2-core machine.
const leaseSeconds = 15;
const timing = [
  "--leader-election-lease-duration",
  `${leaseSeconds}s`,
  "--leader-election-renew-deadline",
  "10s",
  "--leader-election-retry-period",
  "2s",
];

export async function shardBench(workDir: string): Promise<ShardBenchResult> {
  const platforms = Number(process.env.KUBEFOX_BENCH_SHARD_PLATFORMS ?? 12);
  const components = Number(process.env.KUBEFOX_BENCH_SHARD_COMPONENTS ?? 20);
  const cluster = await startCluster({
    name: `bench-shard-${process.pid}`,
    nodes: 2,
    owner: process.pid,
    log: () => undefined,
  });
  try {
    const coldSync: ShardBenchResult["coldSync"] = [];
    let failover: Stats | undefined;
    const counts = (process.env.KUBEFOX_BENCH_SHARD_REPLICAS ?? "1,2,3").split(",").map(Number);
    for (const replicas of counts) {
      const run = await coldRun(cluster, workDir, replicas, platforms, components);
      coldSync.push({ replicas, ms: run.ms, ratioToOne: run.ms / (coldSync[0]?.ms ?? run.ms) });
      if (process.env.KUBEFOX_BENCH_SHARD_DEBUG) console.log(replicaLogs.at(-1)?.());
      if (replicas === 3) failover = stats(await failoverRuns(cluster, run, 2));
      await Promise.all(run.replicas.map((r) => r.stop()));
    }
    return {
      platforms,
      componentsPerPlatform: components,
      shards,
      coldSync,
      failover: { leaseMs: leaseSeconds * 1000, runs: failover ?? stats([NaN]) },
    };
  } finally {
    await cluster.stop();
  }
}

/** The last lines each replica wrote, shown when the bench times out. */
const replicaLogs: (() => string)[] = [];

interface Replica {
  pid: number;
  /** When it started listening: Node and tsx have loaded, the controller starts. */
  listening: Promise<number>;
  identity: string;
  kill(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

interface ColdRun {
  ms: number;
  replicas: Replica[];
  work: WorkingCopy;
  leaseNs: string;
  names: { platform: string; namespace: string }[];
  components: number;
}

async function coldRun(
  cluster: Cluster,
  workDir: string,
  replicas: number,
  platforms: number,
  components: number,
): Promise<ColdRun> {
  const tag = randomBytes(3).toString("hex");
  const leaseNs = `shard-leases-${tag}`;
  await api(cluster, CoreV1Api).createNamespace({ body: { metadata: { name: leaseNs } } });
  const names = Array.from({ length: platforms }, (_, i) => ({
    platform: `p${i}`,
    namespace: `shard-${replicas}-${tag}-p${i}`,
  }));
  const work = await WorkingCopy.init(path.join(workDir, `shard-${replicas}-${tag}`));
  await work.write({ ...systemFiles(components, "bench:1"), ...platformFiles(names) });
  await work.commit("start");
  const running = await Promise.all(
    Array.from({ length: replicas }, () =>
      startReplica(cluster, workDir, work.dir, ["--leader-election-namespace", leaseNs]),
    ),
  );
  // Timed from the last replica's start (Node and tsx loaded): loading the code is not the work.
  const started = Math.max(...(await Promise.all(running.map((r) => r.listening))));
  await allAt(cluster, names, components, "bench:1");
  return {
    ms: performance.now() - started,
    replicas: running,
    work,
    leaseNs,
    names,
    components,
  };
}

/** SIGKILL the owner of p0, commit a new image, time until its platforms run it; `runs` times. */
async function failoverRuns(cluster: Cluster, run: ColdRun, runs: number): Promise<number[]> {
  const samples: number[] = [];
  let live = [...run.replicas];
  for (let i = 0; i < runs; i++) {
    // A shard may be changing hands still (replicas that started together settle): wait for a holder.
    let holders: string[] = [];
    let owner: Replica | undefined;
    for (let tries = 0; !owner; tries++) {
      if (tries > 300) throw new Error("bench: nobody holds p0's shard");
      if (tries > 0) await new Promise((r) => setTimeout(r, 200));
      holders = await shardHolders(cluster, run.leaseNs);
      owner = live.find((r) => r.identity === holders[shardOf("p0", shards)]);
    }
    const owned = run.names.filter((n) => holders[shardOf(n.platform, shards)] === owner.identity);
    const image = `bench:failover-${i}`;
    await run.work.write(systemFiles(run.components, image));
    const killed = performance.now();
    owner.kill("SIGKILL");
    await run.work.commit(image);
    await allAt(cluster, owned, run.components, image);
    samples.push(performance.now() - killed);
    // A new replica takes the dead one's place, and the rest catch up, before the next run.
    live = [
      ...live.filter((r) => r !== owner),
      await startReplica(cluster, path.dirname(run.work.dir), run.work.dir, [
        "--leader-election-namespace",
        run.leaseNs,
      ]),
    ];
    run.replicas.push(live.at(-1)!);
    await allAt(cluster, run.names, run.components, image);
    await new Promise((r) => setTimeout(r, leaseSeconds * 1000));
  }
  run.replicas.splice(0, run.replicas.length, ...live);
  return samples;
}

function platformFiles(names: { platform: string; namespace: string }[]): Record<string, string> {
  return Object.fromEntries(
    names.map(({ platform, namespace }) => [
      `platforms/${platform}.yaml`,
      `apiVersion: kubefox.io/v1alpha1
kind: Platform
metadata: {name: ${platform}}
spec:
  namespace: ${namespace}
  deployments:
    - ref: branch/main
`,
    ]),
  );
}

/** Waits until every platform's namespace has `components` Deployments running `image`. */
async function allAt(
  cluster: Cluster,
  names: { namespace: string }[],
  components: number,
  image: string,
): Promise<void> {
  const apps = api(cluster, AppsV1Api);
  const deadline = Date.now() + Number(process.env.KUBEFOX_BENCH_SHARD_TIMEOUT_MS ?? 600_000);
  for (;;) {
    const done = await Promise.all(
      names.map(async ({ namespace }) => {
        const list = await apps.listNamespacedDeployment({ namespace }).catch(() => undefined);
        const at = (list?.items ?? []).filter(
          (d) => d.spec?.template.spec?.containers[0]?.image === image,
        );
        return at.length === components;
      }),
    );
    if (done.every(Boolean)) return;
    if (Date.now() > deadline)
      throw new Error(
        `bench: timed out waiting for ${image}; the replicas' last lines:\n${replicaLogs.map((l) => l().slice(-3000)).join("\n---\n")}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function shardHolders(cluster: Cluster, namespace: string): Promise<string[]> {
  const leases = api(cluster, CoordinationV1Api);
  return Promise.all(
    Array.from({ length: shards }, (_, i) =>
      leases
        .readNamespacedLease({ name: `kubefox-gitops-shard-${i}`, namespace })
        .then((l) => l.spec?.holderIdentity ?? "")
        .catch(() => ""),
    ),
  );
}

function api<T>(cluster: Cluster, type: new (...args: never[]) => T): T {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  return kc.makeApiClient(type as never) as T;
}

async function startReplica(
  cluster: Cluster,
  workDir: string,
  repo: string,
  extra: string[],
): Promise<Replica> {
  const stateDir = path.join(workDir, `state-${randomBytes(3).toString("hex")}`);
  await mkdir(stateDir, { recursive: true });
  const child: ResultPromise = execa(
    "node",
    [
      ...(await imageNodeFlags()),
      "--import",
      "tsx",
      cli,
      "run",
      "--repo",
      repo,
      "--kubeconfig",
      cluster.controllerKubeconfig,
      "--state-dir",
      stateDir,
      "--listen",
      "127.0.0.1:0",
      "--poll",
      "0 0 1 1 *",
      "--shards",
      String(shards),
      "--log-level",
      "info",
      ...timing,
      ...extra,
    ],
    { reject: false, buffer: false, cwd: root, all: true },
  );
  let output = "";
  let listeningAt: (ms: number) => void = () => undefined;
  const listening = new Promise<number>((resolve) => (listeningAt = resolve));
  child.all?.on("data", (c: Buffer) => {
    output = (output + c.toString()).slice(-20_000);
    if (output.includes('"msg":"listening"')) listeningAt(performance.now());
  });
  replicaLogs.push(() => output);
  return {
    listening,
    pid: child.pid!,
    identity: `${os.hostname()}_${child.pid}`,
    kill: (signal) => child.kill(signal),
    stop: async () => {
      child.kill("SIGTERM");
      await child;
    },
  };
}

export function formatShardBench(r: ShardBenchResult): string {
  const lines = [
    `\nsharding: ${r.platforms} platforms x ${r.componentsPerPlatform} components (${r.platforms * r.componentsPerPlatform} components, ${r.platforms * r.componentsPerPlatform * 3} objects), ${r.shards} shards`,
    ...r.coldSync.map(
      (c) =>
        `  cold sync, ${c.replicas} replica${c.replicas > 1 ? "s" : ""}: ${(c.ms / 1000).toFixed(1)} s` +
        (c.replicas > 1
          ? ` (${c.ratioToOne.toFixed(2)}x one replica, the baseline)`
          : " (baseline)"),
    ),
    `  failover (SIGKILL of an owner to its platforms reconciled by another): median ${(r.failover.runs.medianMs / 1000).toFixed(1)} s, max ${(r.failover.runs.maxMs / 1000).toFixed(1)} s over ${r.failover.runs.runs} runs; lease duration ${(r.failover.leaseMs / 1000).toFixed(1)} s`,
  ];
  return lines.join("\n");
}
