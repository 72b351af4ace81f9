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
import { imageNodeFlags } from "./node-flags.js";
import { formatStartupBench, startupBench } from "./startup.js";

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
  // KUBEFOX_BENCH=startup, =git, =cluster, =memory, =rollout or =dashboard runs one part only.
  const only = process.env.KUBEFOX_BENCH;
  const parts = ["startup", "git", "cluster", "memory", "rollout", "dashboard"];
  if (only && !parts.includes(only))
    throw new Error(`KUBEFOX_BENCH=${only}: use one of ${parts.join(", ")}`);
  // First, while nothing else the bench starts is running.
  const startupResult = !only || only === "startup" ? await startupBench() : undefined;
  if (startupResult) console.log(formatStartupBench(startupResult));
  const gitResult = !only || only === "git" ? await gitBench(path.join(workDir, "git")) : undefined;
  if (gitResult) console.log(formatGitBench(gitResult));
  const clusterResult =
    !only || only === "cluster" || only === "memory" || only === "rollout"
      ? await clusterBench(path.join(workDir, "cluster"), {
          pushes: 20,
          memoryOnly: only === "memory",
          rolloutOnly: only === "rollout",
        })
      : undefined;
  if (clusterResult) console.log(formatClusterBench(clusterResult));
  const dashboardResult =
    !only || only === "dashboard"
      ? await dashboardBench(path.join(workDir, "dashboard"))
      : undefined;
  if (dashboardResult) console.log(formatDashboardBench(dashboardResult));
  const file = path.resolve("bench-results.json");
  await writeFile(
    file,
    `${JSON.stringify({ environment, startup: startupResult, git: gitResult, cluster: clusterResult, dashboard: dashboardResult }, null, 2)}\n`,
  );
  console.log(`\nwritten to ${file}`);
} finally {
  await rm(workDir, { recursive: true, force: true });
}
