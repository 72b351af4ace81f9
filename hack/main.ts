// npm start: the main job on an embedded default. Builds the control plane when
// it is not cached, starts it with KWOK nodes, turns repo-template/ into a local
// Git repository (kept between runs, so your commits stay), runs the real
// `kubefox-gitops run` on it with the status API on localhost, and prints what
// to try. Ctrl-C stops everything it started.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startCluster } from "./cluster/cluster.js";
import { freePort } from "./cluster/ports.js";
import { WorkingCopy } from "./git/working-copy.js";

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

const cluster = await startCluster({ name: "local", nodes: 2, owner: process.pid });
const repo = await demoRepository();
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
(Kubernetes ${cluster.binaries.kubernetesVersion}, 2 KWOK nodes).

  Status API   ${api}/api/kubefox/v0/platform/local/deployment
  Health       ${api}/readyz
  Cluster      export KUBECONFIG=${cluster.kubeconfig}
               kubectl get deployments,services -n kubefox-demo

Try it:
  cd ${repo}
  # change an image or a replica count in apps/hello/app.yaml, then
  git commit -am "my change"          # deploys within a second: watch kubectl get deployments
  git tag v1.0.0                       # releases v1.0.0 as environment prod (tag/v*)

Ctrl-C stops the controller and the control plane.
`);

let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  controller.kill("SIGTERM");
  await new Promise((r) => (controller.exitCode === null ? controller.once("exit", r) : r(null)));
  await cluster.stop();
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
