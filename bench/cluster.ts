import { createWriteStream } from "node:fs";
// The controller's figures against a local control plane with KWOK nodes, each
// beside a baseline measured in the same run (issue #8):
// 1. push to cluster: `git push` (and a signed webhook) to the new image on every
//    Deployment of a 10-component system, seen through a watch; and the same for a
//    local path with no webhook. Baseline: `git push` + `kubectl apply --server-side`
//    of the same objects, the fastest way to do it by hand.
// 2. cold sync of 100 and 500 components, from nothing to applied, against
//    `kubectl apply --server-side` of the same rendered objects.
// 3. no-op resync at 500 components: writes sent (must be 0) and CPU per resync.
// 4. peak RSS of the controller with 500 components and a 5,000-commit repository.
// 5. a push rolls only what it changed, at 500 components (rollout.ts, issue 11).
import { createHmac, randomBytes } from "node:crypto";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { CoreV1Api, KubeConfig, Watch, type V1Deployment } from "@kubernetes/client-node";
import { execa, type ResultPromise } from "execa";
import { startCluster, type Cluster } from "../hack/cluster/cluster.js";
import { generateRepo } from "../hack/git/generate.js";
import { git } from "../hack/git/run.js";
import { startGitServerProcess, type GitServerProcess } from "../hack/git/server-process.js";
import { WorkingCopy } from "../hack/git/working-copy.js";
import { Controller } from "../controller/sync/controller.js";
import { silentLogger } from "../controller/log.js";
import { parseSettings } from "../controller/cli/settings.js";
import { imageNodeFlags } from "./node-flags.js";
import { formatRolloutBench, rolloutBench, type RolloutBenchResult } from "./rollout.js";
import { platformFiles, systemFiles } from "./systems.js";

export interface Stats {
  runs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
}

export interface ClusterBenchResult {
  /** Absent when only the memory part ran (KUBEFOX_BENCH=memory). */
  push?: {
    webhook: Stats;
    /** The same pushes from the webhook on: without `git push` itself. */
    afterPush: Stats;
    localPath: Stats;
    baseline: Stats;
    components: number;
  };
  coldSync: { components: number; controllerMs: number; kubectlMs: number; ratio: number }[];
  noop?: {
    components: number;
    resyncs: number;
    writes: number;
    auditedWrites: number;
    cpuMsPerResync: number;
    wallMsPerResync: number;
  };
  /** Absent when only the push part ran (KUBEFOX_BENCH=push). */
  memory?: {
    components: number;
    commits: number;
    refs: number;
    peakRssMb: number;
    /** The same build with an empty system, in the same run: Node and its libraries. */
    emptyPeakRssMb: number;
    targetMb: number;
    /** At the end of the run, from /metrics: RSS, V8 heap and memory outside it, MB. */
    breakdown: Record<string, number>;
  };
  rollout?: RolloutBenchResult;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return {
    runs: sorted.length,
    medianMs: at(0.5),
    p95Ms: at(0.95),
    minMs: sorted[0]!,
    maxMs: sorted.at(-1)!,
  };
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const cli = path.join(root, "controller", "cli.ts");

export async function clusterBench(
  workDir: string,
  options: {
    pushes: number;
    memoryOnly?: boolean;
    rolloutOnly?: boolean;
    pushOnly?: boolean;
  } = { pushes: 20 },
): Promise<ClusterBenchResult | { rollout: RolloutBenchResult }> {
  const cluster = await startCluster({
    name: `bench-${process.pid}`,
    nodes: 2,
    owner: process.pid,
    log: () => undefined,
  });
  const server = await startGitServerProcess(path.join(workDir, "served"));
  try {
    if (options.rolloutOnly) return { rollout: await rolloutBench(cluster, workDir) };
    if (options.pushOnly) {
      const push = await pushBench(cluster, server, workDir, options.pushes);
      return { push, coldSync: [], memory: undefined };
    }
    if (options.memoryOnly) {
      return { coldSync: [], memory: await memoryBench(cluster, server, workDir) };
    }
    const push = await pushBench(cluster, server, workDir, options.pushes);
    const coldSync = [];
    let noop: ClusterBenchResult["noop"] | undefined;
    for (const components of [100, 500]) {
      const result = await coldSyncBench(cluster, workDir, components, components === 500);
      coldSync.push(result.cold);
      if (result.noop) noop = result.noop;
    }
    const rollout = await rolloutBench(cluster, workDir);
    const memory = await memoryBench(cluster, server, workDir);
    return { push, coldSync, noop, memory, rollout };
  } finally {
    await server.close();
    await cluster.stop();
  }
}

// --- 1. push to cluster -------------------------------------------------------

async function pushBench(
  cluster: Cluster,
  server: GitServerProcess,
  workDir: string,
  pushes: number,
) {
  const components = 10;
  const secret = randomBytes(16).toString("hex");
  const secretFile = path.join(workDir, "webhook-secret");
  await writeFile(secretFile, secret);

  // Over HTTP with a webhook; the poll is once a year, so only the webhook can trigger.
  const namespace = `push-${randomBytes(3).toString("hex")}`;
  const url = await server.createRepo("push");
  const work = await WorkingCopy.clone(url);
  await work.commitAndPush(
    { ...systemFiles(components, "bench:0"), ...platformFiles(namespace) },
    "start",
  );
  // The build the container image runs (dist/), not the tsx loader used in development.
  await execa("npm", ["run", "build"], { cwd: root });
  const remote = await runController(
    cluster,
    workDir,
    url,
    ["--webhook-secret-file", secretFile, "--poll", "0 0 1 1 *"],
    true,
  );
  const watcher = await watchImages(cluster, namespace);
  const api = await remote.url;
  await watcher.until((images) => images.size === components, 60_000);
  const webhook: number[] = [];
  const afterPush: number[] = [];
  for (let i = 1; i <= pushes; i++) {
    await work.write(systemFiles(components, `bench:${i}`));
    await work.commit(`image ${i}`);
    const started = performance.now();
    await work.push();
    const hooked = performance.now();
    const body = JSON.stringify({ repository: url, ref: "refs/heads/main" });
    const signature = createHmac("sha256", secret).update(body).digest("hex");
    await fetch(`${api}/webhooks/generic`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-signature": `sha256=${signature}` },
      body,
    });
    await watcher.until(
      (images) => [...images.values()].every((img) => img === `bench:${i}`),
      30_000,
    );
    webhook.push(performance.now() - started);
    // The controller's part: from the webhook it is sent, after `git push` returned.
    afterPush.push(performance.now() - hooked);
  }
  watcher.stop();
  await remote.stop();

  // A local path: committing is the trigger (the repository's refs are watched).
  const localNs = `local-${randomBytes(3).toString("hex")}`;
  const local = await WorkingCopy.init(path.join(workDir, "local-repo"));
  await local.write({ ...systemFiles(components, "bench:0"), ...platformFiles(localNs) });
  await local.commit("start");
  const localRun = await runController(cluster, workDir, local.dir, [], true);
  const localWatch = await watchImages(cluster, localNs);
  await localWatch.until((images) => images.size === components, 60_000);
  const localPath: number[] = [];
  for (let i = 1; i <= pushes; i++) {
    await local.write(systemFiles(components, `bench:${i}`));
    await local.git("add", "--all");
    const started = performance.now();
    await local.git("commit", "--quiet", "-m", `image ${i}`);
    await localWatch.until(
      (images) => [...images.values()].every((img) => img === `bench:${i}`),
      30_000,
    );
    localPath.push(performance.now() - started);
  }
  localWatch.stop();
  await localRun.stop();

  // Baseline: push, then apply the same rendered objects with kubectl, as by hand.
  const baselineNs = `kubectl-${randomBytes(3).toString("hex")}`;
  const baselineWork = await WorkingCopy.clone(url);
  const baseline: number[] = [];
  for (let i = 1; i <= Math.min(pushes, 10); i++) {
    await baselineWork.write({
      ...systemFiles(components, `base:${i}`),
      ...platformFiles(baselineNs),
    });
    await baselineWork.commit(`baseline ${i}`);
    const manifest = await render(baselineWork.dir, path.join(workDir, `baseline-${i}.yaml`));
    const started = performance.now();
    await baselineWork.push("--force");
    await kubectlApply(cluster, manifest, i === 1 ? baselineNs : undefined);
    baseline.push(performance.now() - started);
  }
  return {
    webhook: stats(webhook),
    afterPush: stats(afterPush),
    localPath: stats(localPath),
    baseline: stats(baseline),
    components,
  };
}

// --- 2 and 3. cold sync and no-op resync -----------------------------------------

async function coldSyncBench(
  cluster: Cluster,
  workDir: string,
  components: number,
  withNoop: boolean,
) {
  const tag = randomBytes(3).toString("hex");
  const namespace = `cold-${components}-${tag}`;
  const work = await WorkingCopy.init(path.join(workDir, `cold-${components}`));
  await work.write({ ...systemFiles(components, "bench:cold"), ...platformFiles(namespace) });
  await work.commit("start");

  // kubectl apply --server-side of the same objects, rendered for another namespace.
  const kubectlNs = `kubectl-${components}-${tag}`;
  const copy = await WorkingCopy.init(path.join(workDir, `kubectl-${components}`));
  await copy.write({ ...systemFiles(components, "bench:cold"), ...platformFiles(kubectlNs) });
  await copy.commit("start");
  const manifest = await render(copy.dir, path.join(workDir, `cold-${components}.yaml`));
  const started = performance.now();
  await kubectlApply(cluster, manifest, kubectlNs);
  const kubectlMs = performance.now() - started;

  // The controller, in this process, from nothing to every object applied.
  const settings = parseSettings(
    [
      "--repo",
      work.dir,
      "--kubeconfig",
      cluster.controllerKubeconfig,
      "--state-dir",
      path.join(workDir, `state-${components}`),
      "--poll",
      "0 0 1 1 *",
      "--listen",
      "127.0.0.1:0",
    ],
    {},
  );
  const controller = new Controller(settings, silentLogger);
  const applied = new Promise<void>((resolve) =>
    controller.bus.on("platform", (e) => {
      if (e.platform.deployments[0]?.appliedId) resolve();
    }),
  );
  const controllerStarted = performance.now();
  await controller.start();
  await applied;
  const controllerMs = performance.now() - controllerStarted;
  const cold = { components, controllerMs, kubectlMs, ratio: controllerMs / kubectlMs };
  if (!withNoop) {
    await controller.stop();
    return { cold };
  }

  // Let the rollout settle (status writes as Deployments become Available), then resync.
  await settle(controller);
  const cluster0 = controller.clusters.get(undefined);
  const writesBefore = cluster0.client.writes;
  const auditBefore = await auditCount(cluster);
  const resyncs = 10;
  const cpuBefore = process.cpuUsage();
  const wallStarted = performance.now();
  for (let i = 0; i < resyncs; i++) {
    controller.requestSync(() => true, "bench resync", { changedOnly: false });
    await controller.idle();
  }
  const wallMs = (performance.now() - wallStarted) / resyncs;
  const cpu = process.cpuUsage(cpuBefore);
  const noop = {
    components,
    resyncs,
    writes: cluster0.client.writes - writesBefore,
    auditedWrites: (await auditCount(cluster)) - auditBefore,
    cpuMsPerResync: (cpu.user + cpu.system) / 1000 / resyncs,
    wallMsPerResync: wallMs,
  };
  await controller.stop();
  return { cold, noop };
}

async function settle(controller: Controller): Promise<void> {
  // Quiet when two seconds pass without a reconcile that wrote anything.
  let lastWrite = performance.now();
  const onPlatform = (e: { writes: number }) => {
    if (e.writes > 0) lastWrite = performance.now();
  };
  controller.bus.on("platform", onPlatform);
  while (performance.now() - lastWrite < 2000) await new Promise((r) => setTimeout(r, 200));
  await controller.idle();
  controller.bus.off("platform", onPlatform);
}

async function auditCount(cluster: Cluster): Promise<number> {
  const text = await readFile(cluster.auditLog, "utf8");
  return text.split("\n").filter((l) => l.includes(`"username":"${cluster.controllerUser}"`))
    .length;
}

// --- 4. memory ------------------------------------------------------------------

async function memoryBench(cluster: Cluster, server: GitServerProcess, workDir: string) {
  const components = 500;
  const shape = { commits: 5000, branches: 500, tags: 500 };
  const namespace = `memory-${randomBytes(3).toString("hex")}`;
  const url = await server.createRepo("memory");
  await generateRepo(path.join(server.root, "memory.git"), shape);
  await git(["repack", "-a", "-d", "-q"], path.join(server.root, "memory.git"));
  const work = await WorkingCopy.clone(url);
  await work.git("checkout", "--quiet", "main");
  await work.commitAndPush(
    { ...systemFiles(components, "bench:mem"), ...platformFiles(namespace) },
    "500 components",
  );
  // The build the container image runs (dist/), not the tsx loader used in development.
  await execa("npm", ["run", "build"], { cwd: root });
  const empty = await WorkingCopy.init(path.join(workDir, "empty-repo"));
  await empty.write({
    "kubefox.yaml":
      "apiVersion: kubefox.io/v1alpha1\nkind: System\nmetadata: {name: empty}\nspec: {}\n",
  });
  await empty.commit("nothing");
  const idle = await runController(cluster, workDir, empty.dir, ["--poll", "*/5 * * * * *"], true);
  await idle.url;
  await new Promise((r) => setTimeout(r, 12_000));
  const emptyPeakRssMb = await peakRssMb(idle.pid);
  await idle.stop();

  const run = await runController(cluster, workDir, url, ["--poll", "*/5 * * * * *"], true);
  const core = kubeConfig(cluster).makeApiClient(CoreV1Api);
  // Applied, then a few polls (fetch, resync) more.
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const cm = await core
      .readNamespacedConfigMap({ name: "kubefox-gitops-status", namespace })
      .catch(() => undefined);
    if (cm?.data?.["status.json"]?.includes('"appliedId": "')) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, 12_000));
  const peak = await peakRssMb(run.pid);
  const breakdown = await heapBreakdown(await run.url);
  await run.stop();
  return {
    components,
    commits: shape.commits,
    refs: shape.branches + shape.tags,
    peakRssMb: peak,
    emptyPeakRssMb,
    targetMb: 200,
    breakdown,
  };
}

/** Where the memory is at the end, from the controller's own Prometheus metrics (MB). */
async function heapBreakdown(url: string): Promise<Record<string, number>> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  const mb = (name: string) => {
    const m = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
    return m ? Math.round(Number(m[1]) / 1e5) / 10 : NaN;
  };
  return {
    rss: mb("process_resident_memory_bytes"),
    heapTotal: mb("nodejs_heap_size_total_bytes"),
    heapUsed: mb("nodejs_heap_size_used_bytes"),
    external: mb("nodejs_external_memory_bytes"),
  };
}

export async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

// --- helpers --------------------------------------------------------------------

function kubeConfig(cluster: Cluster): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  return kc;
}

/** The real CLI in its own process (node, not tsx's wrapper, so the pid is the controller's). */
export async function runController(
  cluster: Cluster,
  workDir: string,
  repo: string,
  extra: string[],
  built = false,
) {
  const stateDir = path.join(workDir, `state-${randomBytes(3).toString("hex")}`);
  await mkdir(stateDir, { recursive: true });
  const child: ResultPromise = execa(
    "node",
    [
      ...(await imageNodeFlags()),
      // KUBEFOX_BENCH_PROF=DIR: a CPU profile of each controller, written when it stops.
      ...(process.env.KUBEFOX_BENCH_PROF
        ? ["--cpu-prof", "--cpu-prof-dir", process.env.KUBEFOX_BENCH_PROF]
        : []),
      ...(built ? [path.join(root, "dist", "controller", "cli.js")] : ["--import", "tsx", cli]),
      "run",
      "--repo",
      repo,
      "--kubeconfig",
      cluster.controllerKubeconfig,
      "--state-dir",
      stateDir,
      "--listen",
      "127.0.0.1:0",
      ...extra,
      ...(process.env.KUBEFOX_BENCH_LOGS ? ["--log-level", "debug"] : []),
    ],
    { reject: false, all: true, buffer: false, cwd: root },
  );
  // Only the tail is kept: a controller at 5,000 components logs for a long time.
  // KUBEFOX_BENCH_LOGS=DIR keeps each controller's whole log there (with debug lines), to
  // follow one push through the replicas.
  let output = "";
  const logDir = process.env.KUBEFOX_BENCH_LOGS;
  const logFile = logDir
    ? createWriteStream(path.join(logDir, `controller-${child.pid}.log`))
    : undefined;
  child.all?.on("data", (c: Buffer) => {
    output = (output + c.toString()).slice(-20_000);
    logFile?.write(c);
  });
  const url = (async () => {
    for (let i = 0; i < 600; i++) {
      const match = /"msg":"listening"[^\n]*"url":"([^"]+)"/.exec(output);
      if (match) return match[1]!;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the controller did not start listening:\n${output.slice(-2000)}`);
  })();
  return {
    pid: child.pid!,
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await child;
    },
    /** SIGKILL: a crash. */
    kill: async () => {
      child.kill("SIGKILL");
      await child;
    },
  };
}

interface ImageWatch {
  until(check: (images: Map<string, string>) => boolean, timeoutMs: number): Promise<void>;
  stop(): void;
}

/** Every Deployment's image in a namespace, as the API server's watch reports it. */
export async function watchImages(cluster: Cluster, namespace: string): Promise<ImageWatch> {
  const images = new Map<string, string>();
  let waiter: (() => void) | undefined;
  const watch = new Watch(kubeConfig(cluster));
  const controller = await watch.watch(
    `/apis/apps/v1/namespaces/${namespace}/deployments`,
    {},
    (type: string, obj: V1Deployment) => {
      const name = obj.metadata?.name ?? "";
      if (type === "DELETED") images.delete(name);
      else images.set(name, obj.spec?.template.spec?.containers[0]?.image ?? "");
      waiter?.();
    },
    () => undefined,
  );
  return {
    async until(check, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!check(images)) {
        if (Date.now() > deadline)
          throw new Error(`bench: timed out waiting for Deployments in ${namespace}`);
        await new Promise<void>((resolve) => {
          waiter = resolve;
          setTimeout(resolve, 100);
        });
      }
    },
    stop: () => controller.abort(),
  };
}

async function render(dir: string, file: string): Promise<string> {
  const { stdout } = await execa(
    "node",
    ["--import", "tsx", cli, "render", dir, "--platform", "bench"],
    { cwd: root },
  );
  await writeFile(file, stdout);
  return file;
}

async function kubectlApply(
  cluster: Cluster,
  file: string,
  createNamespace?: string,
): Promise<void> {
  const env = { KUBECONFIG: cluster.kubeconfig };
  if (createNamespace) await execa("kubectl", ["create", "namespace", createNamespace], { env });
  await execa(
    "kubectl",
    ["apply", "--server-side", "--field-manager", "bench-kubectl", "-f", file],
    { env },
  );
}

export function formatClusterBench(
  r: ClusterBenchResult | { rollout: RolloutBenchResult },
): string {
  if (!("coldSync" in r)) return formatRolloutBench(r.rollout);
  const ms = (n: number) => `${Math.round(n)} ms`;
  const lines = [];
  if (r.push) {
    lines.push(
      "",
      `Push to cluster (${r.push.components} components, new image on every Deployment, seen by a watch)`,
      `  webhook            median ${ms(r.push.webhook.medianMs)}, p95 ${ms(r.push.webhook.p95Ms)} over ${r.push.webhook.runs} pushes   (target: median <= 300 ms, p95 <= 1 s)`,
      `    from the webhook median ${ms(r.push.afterPush.medianMs)}, p95 ${ms(r.push.afterPush.p95Ms)}: the controller's part, after git push returned   (issue 17: median <= 120 ms)`,
      `  local path         median ${ms(r.push.localPath.medianMs)}, p95 ${ms(r.push.localPath.p95Ms)} over ${r.push.localPath.runs} commits`,
      `  baseline           median ${ms(r.push.baseline.medianMs)}, p95 ${ms(r.push.baseline.p95Ms)}: git push + kubectl apply --server-side by hand`,
      `  ratio              webhook ${(r.push.webhook.medianMs / r.push.baseline.medianMs).toFixed(2)}x, local path ${(r.push.localPath.medianMs / r.push.baseline.medianMs).toFixed(2)}x the baseline (median)`,
    );
  }
  if (r.coldSync.length > 0) {
    lines.push(
      "",
      "Cold sync, from nothing to applied (a Deployment, a Service and a ConfigMap per component)",
      ...r.coldSync.map(
        (c) =>
          `  ${String(c.components).padStart(3)} components     controller ${ms(c.controllerMs)}, kubectl apply --server-side ${ms(c.kubectlMs)}: ${c.ratio.toFixed(2)}x   (target: <= 0.5x)`,
      ),
    );
  }
  if (r.noop) {
    lines.push(
      "",
      `No-op resync at ${r.noop.components} components (${r.noop.resyncs} resyncs, fetch included)`,
      `  writes sent        ${r.noop.writes} by the client's count, ${r.noop.auditedWrites} in the API server's audit log   (target: 0)`,
      `  per resync         ${r.noop.cpuMsPerResync.toFixed(1)} ms CPU, ${r.noop.wallMsPerResync.toFixed(1)} ms wall`,
    );
  }
  if (r.rollout) lines.push(formatRolloutBench(r.rollout));
  if (!r.memory) return lines.join("\n");
  const b = r.memory.breakdown;
  lines.push(
    "",
    `Memory with ${r.memory.components} components and a ${r.memory.commits}-commit, ${r.memory.refs}-ref repository`,
    `  peak RSS           ${r.memory.peakRssMb.toFixed(0)} MB   (target: <= ${r.memory.targetMb} MB; the compiled build, as the image runs it)`,
    `  baseline           ${r.memory.emptyPeakRssMb.toFixed(0)} MB peak for the same build with an empty system (${(r.memory.peakRssMb / r.memory.emptyPeakRssMb).toFixed(2)}x)`,
    `  at the end         RSS ${b.rss} MB: V8 heap ${b.heapUsed} MB used of ${b.heapTotal} MB, ${b.external} MB outside it (buffers)`,
  );
  return lines.join("\n");
}
