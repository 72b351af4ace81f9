// `npm run bench`: runs each benchmark, prints every figure beside its baseline,
// and writes them all to bench-results.json (gitignored). No test asserts on
// timings; this is where they are measured, on purpose and in one place.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { git } from "../hack/git/run.js";
import { clusterBench, formatClusterBench } from "./cluster.js";
import { dashboardBench, formatDashboardBench } from "./dashboard.js";
import { formatGitBench, gitBench } from "./git.js";
import { formatGitTransportBench, gitTransportBench } from "./git-transports.js";
import { formatPackMemory, packMemoryBench } from "./pack-memory.js";
import { imageNodeFlags } from "./node-flags.js";
import { formatStartupBench, startupBench } from "./startup.js";
import { formatTopologyBench, topologyBench } from "./topology.js";
import { formatNotifyBench, notifyBench } from "./notify.js";
import { defaultSizes, formatScaleBench, scaleBench } from "./scale.js";
import { formatShardBench, shardBench } from "./shard.js";

// Measure with the image's Node flags: run again with them unless this process has them.
const flags = await imageNodeFlags();
if (!flags.every((f) => process.execArgv.includes(f))) {
  const child = spawnSync(
    process.execPath,
    [...flags, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: "inherit" },
  );
  process.exit(child.status ?? 1);
}

const workDir = await mkdtemp(path.join(os.tmpdir(), "kubefox-bench-"));
try {
  const environment = {
    date: new Date().toISOString(),
    node: process.version,
    nodeFlags: flags,
    git: await git(["--version"]),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
  };
  // KUBEFOX_BENCH=<part> (one of `parts`) runs one part only.
  const only = process.env.KUBEFOX_BENCH;
  const parts = [
    "startup",
    "git",
    "pack",
    "cluster",
    "memory",
    "rollout",
    "push",
    "topology",
    "notify",
    "scale",
    "dashboard",
    "shard",
  ];
  if (only && !parts.includes(only))
    throw new Error(`KUBEFOX_BENCH=${only}: use one of ${parts.join(", ")}`);
  // First, while nothing else the bench starts is running.
  const startupResult = !only || only === "startup" ? await startupBench() : undefined;
  if (startupResult) console.log(formatStartupBench(startupResult));
  const gitResult = !only || only === "git" ? await gitBench(path.join(workDir, "git")) : undefined;
  if (gitResult) console.log(formatGitBench(gitResult));
  // Issue 16: HTTP and SSH against native git, protocol v2 against v0.
  const gitTransportsResult =
    !only || only === "git"
      ? await gitTransportBench(path.join(workDir, "git-transports"))
      : undefined;
  if (gitTransportsResult) console.log(formatGitTransportBench(gitTransportsResult));
  // Issue 16: a 300 MB pack streams to disk; peak RSS of a clone in its own process.
  const packResult =
    !only || only === "pack" ? await packMemoryBench(path.join(workDir, "pack")) : undefined;
  if (packResult) console.log(formatPackMemory(packResult));
  const clusterResult =
    !only || ["cluster", "memory", "rollout", "push"].includes(only)
      ? await clusterBench(path.join(workDir, "cluster"), {
          pushes: 20,
          memoryOnly: only === "memory",
          rolloutOnly: only === "rollout",
          pushOnly: only === "push",
        })
      : undefined;
  if (clusterResult) console.log(formatClusterBench(clusterResult));
  const topologyResult = !only || only === "topology" ? topologyBench() : undefined;
  if (topologyResult) console.log(formatTopologyBench(topologyResult));
  // Commit statuses and alerts on against off, in the same run (issue 14).
  const notifyResult =
    !only || only === "notify" ? await notifyBench(path.join(workDir, "notify"), 6) : undefined;
  if (notifyResult) console.log(formatNotifyBench(notifyResult));
  // Issue 17: how the cost grows with the work; KUBEFOX_BENCH_SIZES=500,1000 picks sizes.
  const scaleResult =
    !only || only === "scale"
      ? await scaleBench(path.join(workDir, "scale"), {
          // Every size takes about 20 minutes on 2 cores: the whole bench takes the first only.
          sizes:
            process.env.KUBEFOX_BENCH_SIZES?.split(",").map(Number) ??
            (only === "scale" ? defaultSizes : defaultSizes.slice(0, 1)),
          replicas: Number(process.env.KUBEFOX_BENCH_REPLICAS ?? 1),
          pushes: 10,
        })
      : undefined;
  if (scaleResult) console.log(formatScaleBench(scaleResult));
  // Sharding (issue 17): replicas as processes, on a control plane of its own.
  const shardResult =
    !only || only === "shard" ? await shardBench(path.join(workDir, "shard")) : undefined;
  if (shardResult) console.log(formatShardBench(shardResult));
  const dashboardResult =
    !only || only === "dashboard"
      ? await dashboardBench(path.join(workDir, "dashboard"))
      : undefined;
  if (dashboardResult) console.log(formatDashboardBench(dashboardResult));
  const file = path.resolve("bench-results.json");
  await writeFile(
    file,
    `${JSON.stringify({ environment, startup: startupResult, git: gitResult, gitTransports: gitTransportsResult, pack: packResult, cluster: clusterResult, topology: topologyResult, notify: notifyResult, scale: scaleResult, shard: shardResult, dashboard: dashboardResult }, null, 2)}\n`,
  );
  console.log(`\nwritten to ${file}`);
} finally {
  await rm(workDir, { recursive: true, force: true });
}
