// `npm run cluster` as a person uses it: up, status, down, and nothing left
// running afterwards; and a cluster whose owner is killed (an interrupted test
// run) is stopped by its guard instead of being orphaned.
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { clusterStatus, startCluster } from "../../hack/cluster/cluster.js";
import { isAlive } from "../../hack/cluster/processes.js";
import { eventually } from "../support/kube.js";

const tsx = "node_modules/.bin/tsx";

describe("npm run cluster", () => {
  it("starts a cluster in the background, reports it, and stops every process on down", async () => {
    const name = `cli-${randomBytes(3).toString("hex")}`;
    const kubeconfig = `/tmp/kubefox-lifecycle-${name}.kubeconfig`;
    const up = await execa(tsx, [
      "hack/cluster.ts",
      "up",
      "--name",
      name,
      "--kubeconfig",
      kubeconfig,
    ]);
    expect(up.stdout.trim()).toBe(kubeconfig);
    const status = await clusterStatus(name);
    expect(status?.ready).toBe(true);
    const pids = status!.components.map((c) => c.pid);
    expect(status!.components.map((c) => c.name)).toEqual(["etcd", "kube-apiserver"]);
    expect(pids.every(isAlive)).toBe(true);

    const { stdout } = await execa("kubectl", ["get", "--raw", "/version"], {
      env: { KUBECONFIG: kubeconfig },
    });
    expect(JSON.parse(stdout).gitVersion).toMatch(/^v1\.\d+\.\d+$/);

    const stat = await execa(tsx, ["hack/cluster.ts", "status", "--name", name]);
    expect(stat.stdout).toContain("kube-apiserver");
    await execa(tsx, ["hack/cluster.ts", "down", "--name", name]);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await clusterStatus(name)).toBeUndefined();
    const after = await execa(tsx, ["hack/cluster.ts", "status", "--name", name], {
      reject: false,
    });
    expect(after.exitCode).toBe(1);
  });

  it("leaves no orphan when the process that owns the cluster is killed", async () => {
    const name = `owner-${randomBytes(3).toString("hex")}`;
    // `node --import tsx` keeps the script in this one process (the tsx CLI would run it in a child).
    const owner = execa("node", ["--import", "tsx", "test/fixtures/cluster-owner.ts", name]);
    const line = await new Promise<string>((resolve, reject) => {
      owner.stdout?.on("data", (chunk: Buffer) => resolve(chunk.toString()));
      owner.catch(reject);
    });
    const { pids, dir } = JSON.parse(line) as { pids: number[]; dir: string };
    expect(pids.every(isAlive)).toBe(true);

    owner.kill("SIGKILL");
    await owner.catch(() => undefined);
    await eventually(async () => (pids.some(isAlive) ? undefined : true), {
      timeoutMs: 15_000,
      what: "the guard to stop etcd and kube-apiserver",
    });
    await eventually(async () => (existsSync(dir) ? undefined : true), {
      timeoutMs: 10_000,
      what: "cluster folder removed",
    });
  });

  it("restarts a crashed kube-apiserver on the same port, with etcd's data intact", async () => {
    const name = `restart-${randomBytes(3).toString("hex")}`;
    const cluster = await startCluster({ name, nodes: 0, log: () => undefined });
    try {
      const env = { KUBECONFIG: cluster.kubeconfig };
      await execa("kubectl", ["create", "configmap", "survivor", "--from-literal=a=b"], { env });
      await cluster.stopComponent("kube-apiserver");
      const down = await execa("kubectl", ["get", "--raw", "/readyz", "--request-timeout=2s"], {
        env,
        reject: false,
      });
      expect(down.exitCode).not.toBe(0);
      await cluster.startComponent("kube-apiserver");
      const { stdout } = await execa(
        "kubectl",
        ["get", "configmap", "survivor", "-o", "jsonpath={.data.a}"],
        { env },
      );
      expect(stdout).toBe("b");
    } finally {
      await cluster.stop();
    }
  });
});
