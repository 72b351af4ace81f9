// One real control plane (etcd, kube-apiserver, controller-manager, scheduler and
// KWOK nodes) and one real Git server (git http-backend) for the whole test run.
// Suites isolate themselves with their own namespaces and repositories. The
// cluster's guard stops it if this process dies without running teardown.
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { startCluster, type Cluster } from "../hack/cluster/cluster.js";
import { startGitServer, type GitServer } from "../hack/git/server.js";
import { ensureDashboard } from "../dashboard/build.js";

declare module "vitest" {
  export interface ProvidedContext {
    kubeconfig: string;
    controllerKubeconfig: string;
    controllerUser: string;
    auditLog: string;
    clusterServer: string;
    clusterName: string;
    kubernetesVersion: string;
    gitRoot: string;
    gitUrl: string;
    gitAuthUrl: string;
    gitAuthUser: string;
    gitAuthPassword: string;
  }
}

let cluster: Cluster | undefined;
const gitServers: GitServer[] = [];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  // The controller serves the built dashboard: build it when a source is newer (issue 13).
  await ensureDashboard();
  cluster = await startCluster({
    name: `test-${process.pid}`,
    nodes: 2,
    owner: process.pid,
    log: (line) => console.log(line),
  });
  const open = await startGitServer();
  const password = randomBytes(12).toString("hex");
  const authed = await startGitServer({ root: open.root, auth: { username: "kubefox", password } });
  gitServers.push(authed, open);
  console.log(
    `test setup: control plane and Git server up in ${((Date.now() - started) / 1000).toFixed(1)}s`,
  );

  project.provide("kubeconfig", cluster.kubeconfig);
  project.provide("controllerKubeconfig", cluster.controllerKubeconfig);
  project.provide("controllerUser", cluster.controllerUser);
  project.provide("auditLog", cluster.auditLog);
  project.provide("clusterServer", cluster.server);
  project.provide("clusterName", cluster.name);
  project.provide("kubernetesVersion", cluster.binaries.kubernetesVersion);
  project.provide("gitRoot", open.root);
  project.provide("gitUrl", open.url);
  project.provide("gitAuthUrl", authed.url);
  project.provide("gitAuthUser", "kubefox");
  project.provide("gitAuthPassword", password);

  return async () => {
    for (const server of gitServers) await server.close();
    await cluster?.stop();
  };
}
