// A local Kubernetes control plane from real binaries: etcd and kube-apiserver,
// and with nodes > 0 also kube-controller-manager, kube-scheduler and KWOK's fake
// nodes, so that pods are scheduled and become Running and Ready and Deployments
// become Available. Used by `npm run cluster`, by the test setup and by the bench.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { spawn } from "node:child_process";
import { ensureControlPlane, type ControlPlaneBinaries } from "../controlplane/build.js";
import { createKwokNodes, waitForNodesReady } from "./nodes.js";
import { createPki, kubeconfigYaml, type Pki } from "./pki.js";
import { freePort } from "./ports.js";
import { get, waitUntilHealthy } from "./probe.js";
import {
  isAlive,
  readState,
  startProcess,
  stopProcesses,
  stateFile,
  writeState,
  type ClusterState,
  type ProcessRecord,
} from "./processes.js";

export interface ClusterOptions {
  /** Names the cluster's folder under the runtime root; default `local`. */
  name?: string;
  /** Fake nodes (KWOK). 0 runs only etcd and kube-apiserver. */
  nodes?: number;
  /** Also write the admin kubeconfig here. */
  kubeconfig?: string;
  /** Stop the cluster as soon as this process exits (tests pass their own pid). */
  owner?: number;
  /** More kube-apiserver flags (`--feature-gates=...`), after the defaults. */
  apiserverFlags?: string[];
  /** More kube-controller-manager flags (`--kube-api-qps=...`), after the defaults. */
  controllerManagerFlags?: string[];
  log?: (line: string) => void;
}

export interface Cluster {
  name: string;
  dir: string;
  server: string;
  /** Admin kubeconfig (system:masters). */
  kubeconfig: string;
  /** etcd's client URL (http://127.0.0.1:PORT), for tests that compact it. */
  etcd: string;
  /** A second system:masters identity for the controller, so audit logs tell it apart. */
  controllerKubeconfig: string;
  controllerUser: string;
  caFile: string;
  adminToken: string;
  /** JSON-lines audit log of every write (create, update, patch, delete). */
  auditLog: string;
  binaries: ControlPlaneBinaries;
  processes: ProcessRecord[];
  stop(): Promise<void>;
  /** Stops one component (SIGKILL by default: a crash), leaving the rest running. */
  stopComponent(name: string, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped component again, same binary, arguments and port; waits until it is healthy. */
  startComponent(name: string): Promise<void>;
}

export function runtimeRoot(): string {
  return path.join(os.tmpdir(), `kubefox-gitops-${os.userInfo().uid}`);
}

export function clusterDir(name: string): string {
  return path.join(runtimeRoot(), name);
}

const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    verbs: [create, update, patch, delete, deletecollection]
  - level: None
`;

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const name = options.name ?? "local";
  const nodes = options.nodes ?? 0;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dir = clusterDir(name);
  const previous = await readState(dir);
  if (previous && previous.processes.some((p) => isAlive(p.pid))) {
    throw new Error(
      `hack: a cluster named ${name} already runs (kubeconfig ${previous.kubeconfig}); ` +
        "`npm run cluster -- down` stops it",
    );
  }
  const binaries = await ensureControlPlane({ log });
  const started = Date.now();
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, "logs"), { recursive: true });
  const pki = await createPki(dir);
  const processes: ProcessRecord[] = [];
  const state: ClusterState = {
    name,
    dir,
    kubeconfig: options.kubeconfig ?? path.join(dir, "kubeconfig"),
    server: "",
    nodes,
    startedAt: new Date().toISOString(),
    processes,
    ...(options.owner ? { owner: options.owner } : {}),
  };
  // Record every process as soon as it starts, so a failure half-way still cleans up.
  const track = async (record: ProcessRecord) => {
    processes.push(record);
    await writeState(state);
    return record;
  };
  if (options.owner) state.guardPid = startGuard(options.owner, dir);
  await writeState(state);

  try {
    const etcdPort = await freePort();
    const peerPort = await freePort();
    const etcd = await track(
      startProcess(dir, "etcd", binaries.paths.etcd, [
        "--name=default",
        `--data-dir=${path.join(dir, "etcd")}`,
        `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
        `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
        // A throwaway test cluster: durability is not worth the fsync latency.
        "--unsafe-no-fsync",
        "--log-level=warn",
      ]),
    );
    await waitUntilHealthy({ url: `http://127.0.0.1:${etcdPort}/health` }, etcd, 30_000);

    const apiPort = await freePort();
    const server = `https://127.0.0.1:${apiPort}`;
    state.server = server;
    await writeFile(path.join(dir, "audit-policy.yaml"), auditPolicy);
    const auditLog = path.join(dir, "audit.log");
    const apiserver = await track(
      startProcess(dir, "kube-apiserver", binaries.paths["kube-apiserver"], [
        ...apiserverArgs(dir, pki, etcdPort, apiPort, auditLog),
        ...(options.apiserverFlags ?? []),
      ]),
    );
    const ca = await readFile(pki.caCert, "utf8");
    await waitUntilHealthy(
      { url: `${server}/readyz`, ca, token: pki.identities.admin.token },
      apiserver,
      120_000,
    );

    const kubeconfigFor = async (file: string, id: keyof Pki["identities"]) => {
      const target = path.join(dir, file);
      await writeFile(target, kubeconfigYaml(server, ca, pki.identities[id]), { mode: 0o600 });
      return target;
    };
    const kubeconfig = await kubeconfigFor("kubeconfig", "admin");
    if (options.kubeconfig) {
      await mkdir(path.dirname(path.resolve(options.kubeconfig)), { recursive: true });
      await writeFile(options.kubeconfig, await readFile(kubeconfig), { mode: 0o600 });
    }
    const controllerKubeconfig = await kubeconfigFor("controller.kubeconfig", "controller");

    if (nodes > 0) {
      await track(
        startProcess(dir, "kube-controller-manager", binaries.paths["kube-controller-manager"], [
          `--kubeconfig=${await kubeconfigFor("controller-manager.kubeconfig", "controllerManager")}`,
          "--leader-elect=false",
          "--bind-address=127.0.0.1",
          `--secure-port=${await freePort()}`,
          `--service-account-private-key-file=${pki.serviceAccountKey}`,
          `--root-ca-file=${pki.caCert}`,
          "--use-service-account-credentials=false",
          "--cluster-name=kubefox-local",
          "--controllers=*",
          "--v=1",
          ...(options.controllerManagerFlags ?? []),
        ]),
      );
      await track(
        startProcess(dir, "kube-scheduler", binaries.paths["kube-scheduler"], [
          `--kubeconfig=${await kubeconfigFor("scheduler.kubeconfig", "scheduler")}`,
          "--leader-elect=false",
          "--bind-address=127.0.0.1",
          `--secure-port=${await freePort()}`,
          "--v=1",
        ]),
      );
      await track(
        startProcess(dir, "kwok", binaries.paths.kwok, [
          `--kubeconfig=${await kubeconfigFor("kwok.kubeconfig", "kwok")}`,
          `--config=${binaries.kwokStages}`,
          "--manage-all-nodes=false",
          "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
          "--manage-nodes-with-label-selector=",
          "--cidr=10.244.0.0/16",
          "--node-ip=10.96.0.2",
          "--node-lease-duration-seconds=40",
          `--server-address=127.0.0.1:${await freePort()}`,
        ]),
      );
      await createKwokNodes(kubeconfig, nodes);
      await waitForNodesReady(kubeconfig, nodes, 60_000);
    }

    await writeState(state);
    log(
      `hack: cluster ${name} ready in ${((Date.now() - started) / 1000).toFixed(1)}s at ${server}`,
    );
    return {
      name,
      dir,
      server,
      etcd: `http://127.0.0.1:${etcdPort}`,
      kubeconfig: options.kubeconfig ?? kubeconfig,
      controllerKubeconfig,
      controllerUser: pki.identities.controller.user,
      caFile: pki.caCert,
      adminToken: pki.identities.admin.token,
      auditLog,
      binaries,
      processes,
      stop: async () => {
        await stopCluster(name);
      },
      stopComponent: async (component, signal = "SIGKILL") => {
        const record = processes.find((p) => p.name === component);
        if (!record) throw new Error(`hack: cluster ${name} has no component ${component}`);
        try {
          process.kill(-record.pid, signal);
        } catch {
          // already gone
        }
        while (isAlive(record.pid)) await new Promise((r) => setTimeout(r, 50));
      },
      startComponent: async (component) => {
        const index = processes.findIndex((p) => p.name === component);
        const record = processes[index];
        if (!record) throw new Error(`hack: cluster ${name} has no component ${component}`);
        if (isAlive(record.pid)) return;
        const started = startProcess(dir, component, record.bin, record.args);
        processes[index] = started;
        await writeState(state);
        if (component === "kube-apiserver") {
          await waitUntilHealthy(
            { url: `${server}/readyz`, ca, token: pki.identities.admin.token },
            started,
            120_000,
          );
        }
      },
    };
  } catch (err) {
    await stopCluster(name);
    throw err;
  }
}

function apiserverArgs(
  dir: string,
  pki: Pki,
  etcdPort: number,
  apiPort: number,
  auditLog: string,
): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${apiPort}`,
    `--cert-dir=${path.join(dir, "apiserver-certs")}`,
    `--tls-cert-file=${pki.serverCert}`,
    `--tls-private-key-file=${pki.serverKey}`,
    `--client-ca-file=${pki.caCert}`,
    `--token-auth-file=${pki.tokenFile}`,
    "--authorization-mode=Node,RBAC",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    // Room for thousands of Services: the 500-component benchmark alone needs 500.
    "--service-cluster-ip-range=10.0.0.0/16",
    "--allow-privileged=true",
    // Loopback is not a valid endpoint address for the `kubernetes` Service, and no
    // pod here needs to reach the API server through it.
    "--endpoint-reconciler-type=none",
    `--audit-policy-file=${path.join(dir, "audit-policy.yaml")}`,
    `--audit-log-path=${auditLog}`,
    "--audit-log-format=json",
    "--audit-log-mode=blocking",
    "--v=1",
  ];
}

function startGuard(owner: number, dir: string): number {
  const guard = path.join(path.dirname(fileURLToPath(import.meta.url)), "guard.mjs");
  const child = spawn(process.execPath, [guard, String(owner), dir], {
    detached: true,
    stdio: "ignore",
  });
  child.unref();
  return child.pid ?? 0;
}

/** Stops every process of the named cluster and removes its folder. False when none ran. */
export async function stopCluster(name = "local"): Promise<boolean> {
  const dir = clusterDir(name);
  const state = await readState(dir);
  if (!state) return false;
  await rm(stateFile(dir), { force: true }); // tells the guard to stand down
  await stopProcesses(state.processes);
  await rm(dir, { recursive: true, force: true });
  return true;
}

export interface ComponentStatus {
  name: string;
  pid: number;
  running: boolean;
}

export interface ClusterStatus {
  name: string;
  server: string;
  kubeconfig: string;
  nodes: number;
  ready: boolean;
  components: ComponentStatus[];
}

export async function clusterStatus(name = "local"): Promise<ClusterStatus | undefined> {
  const dir = clusterDir(name);
  const state = await readState(dir);
  if (!state) return undefined;
  let ready = false;
  try {
    const ca = await readFile(path.join(dir, "ca.crt"), "utf8");
    const kubeconfig = await readFile(path.join(dir, "kubeconfig"), "utf8");
    const token = /token: (\S+)/.exec(kubeconfig)?.[1];
    ready =
      (await get({ url: `${state.server}/readyz`, ca, ...(token ? { token } : {}) })).status ===
      200;
  } catch {
    ready = false;
  }
  return {
    name,
    server: state.server,
    kubeconfig: state.kubeconfig,
    nodes: state.nodes,
    ready,
    components: state.processes.map((p) => ({ name: p.name, pid: p.pid, running: isAlive(p.pid) })),
  };
}
