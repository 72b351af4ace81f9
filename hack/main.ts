// npm start: the main job on an embedded default. Builds the control plane when
// it is not cached, starts it with KWOK nodes (or uses the local cluster that
// `npm run cluster -- up` left running), turns repo-template/ into a local Git
// repository (kept between runs, so your commits stay), runs the real
// `kubefox-gitops run` on it with the status API on localhost, and prints what
// to try. Ctrl-C stops everything it started.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { clusterDir, clusterStatus, startCluster } from "./cluster/cluster.js";
import { freePort } from "./cluster/ports.js";
import { isAlive, readState } from "./cluster/processes.js";
import { WorkingCopy } from "./git/working-copy.js";
import { ensureDashboard } from "../dashboard/build.js";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const demoDir = path.join(
  process.env.XDG_STATE_HOME || path.join(os.homedir(), ".local", "state"),
  "kubefox-gitops",
  "demo",
);
const repoDir = path.join(demoDir, "repo");

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function demoRepository(): Promise<string> {
  if (existsSync(path.join(repoDir, ".git"))) return repoDir;
  const work = await WorkingCopy.init(repoDir);
  await work.copyFrom(path.join(root, "repo-template"));
  await work.commit("Start from the kubefox-gitops repo-template");
  return repoDir;
}

interface LocalCluster {
  kubeconfig: string;
  /** What it is, for the greeting. */
  about: string;
  /** Stops it; undefined for a cluster this process did not start, which it leaves running. */
  stop?: () => Promise<void>;
}

/**
 * The cluster named `local`: the one already running when it is healthy and
 * nobody else owns it (`npm run cluster -- up` leaves one so), else a new one
 * that stops with this process. Anything else is refused in one line.
 */
async function localCluster(): Promise<LocalCluster> {
  const state = await readState(clusterDir("local"));
  if (!state?.processes.some((p) => isAlive(p.pid))) {
    const cluster = await startCluster({ name: "local", nodes: 2, owner: process.pid });
    return {
      kubeconfig: cluster.kubeconfig,
      about: `Kubernetes ${cluster.binaries.kubernetesVersion}, 2 KWOK nodes`,
      stop: () => cluster.stop(),
    };
  }
  const busy = (why: string) =>
    new Error(`hack: the cluster local already runs, ${why}; \`npm run cluster -- down\` stops it`);
  // Another npm start's (or a test run's) cluster stops when its owner exits.
  if (state.owner)
    throw busy(
      isAlive(state.owner)
        ? `owned by process ${state.owner} (another npm start?)`
        : "and is stopping as its owner exited",
    );
  const status = await clusterStatus("local");
  if (!status?.ready || status.components.some((c) => !c.running))
    throw busy("but not every part of it is healthy");
  if (status.nodes === 0)
    console.error(
      "hack: the running cluster local has no nodes, so pods stay Pending; for KWOK nodes, " +
        "`npm run cluster -- down` and npm start again (or `npm run cluster -- up --nodes 2`)",
    );
  return {
    kubeconfig: status.kubeconfig,
    about: `the cluster local that was running, ${status.nodes} KWOK nodes`,
  };
}

// One npm start at a time: a second would run a second controller on the same
// demo. The lock holds our pid, so once we are gone it no longer counts.
const lock = path.join(demoDir, "npm-start.pid");
const other = Number(await readFile(lock, "utf8").catch(() => ""));
if (other && other !== process.pid && isAlive(other)) {
  console.error(`hack: npm start already runs (pid ${other}); Ctrl-C there stops it`);
  process.exit(1);
}
await mkdir(demoDir, { recursive: true });
await writeFile(lock, String(process.pid));

const cluster = await localCluster().catch((err: Error) => {
  // Our own refusals are one line; anything else keeps its stack.
  console.error(err.message.startsWith("hack:") ? err.message : err);
  process.exit(1);
});
const repo = await demoRepository();
// The dashboard the controller serves at /: built when a source changed since (issue 13).
await ensureDashboard();
await mkdir(path.join(demoDir, "state"), { recursive: true });
const port = (await portFree(8080)) ? 8080 : await freePort();
const api = `http://127.0.0.1:${port}`;

const controller = spawn(
  process.execPath,
  [
    "--import",
    "tsx",
    path.join(root, "controller", "cli.ts"),
    "run",
    "--repo",
    repo,
    "--kubeconfig",
    cluster.kubeconfig,
    "--state-dir",
    path.join(demoDir, "state"),
    "--listen",
    `127.0.0.1:${port}`,
    "--log-format",
    "text",
  ],
  { stdio: ["ignore", "inherit", "inherit"], cwd: root },
);

console.log(`
kubefox-gitops is running on repo-template, against a local control plane
(${cluster.about}).

  Dashboard    ${api}/
  Status API   ${api}/api/kubefox/v0/platform/local/deployment
  Health       ${api}/readyz
  Cluster      export KUBECONFIG=${cluster.kubeconfig}
               kubectl get deployments,services -n kubefox-demo

Try it:
  cd ${repo}
  # change an image or a replica count in apps/hello/app.yaml, then
  git commit -am "my change"          # deploys within a second: watch kubectl get deployments
  git tag v1.0.0                       # releases v1.0.0 as environment prod (tag/v*)

${cluster.stop ? "Ctrl-C stops the controller and the control plane." : "Ctrl-C stops the controller; `npm run cluster -- down` stops the control plane."}
`);

let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  controller.kill("SIGTERM");
  await new Promise((r) => (controller.exitCode === null ? controller.once("exit", r) : r(null)));
  await rm(lock, { force: true });
  if (cluster.stop) await cluster.stop();
  else console.error("hack: the cluster local keeps running; `npm run cluster -- down` stops it");
  process.exit(code);
};
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
controller.on("exit", (code) => {
  if (!stopping) {
    console.error(`kubefox-gitops exited (${code}); stopping the control plane`);
    void stop(code ?? 1);
  }
});
