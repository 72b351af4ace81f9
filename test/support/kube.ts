// Test helpers for the real control plane started by test/global-setup.ts.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { AppsV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi } from "@kubernetes/client-node";
import { inject } from "vitest";
import { ClusterClient } from "../../controller/cluster/client.js";
import { loadConnection } from "../../controller/cluster/kubeconfig.js";
import { createLogger } from "../../controller/log.js";

export function kubeConfig(which: "admin" | "controller" = "admin"): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(inject(which === "admin" ? "kubeconfig" : "controllerKubeconfig"));
  return kc;
}

/** The controller's own client for the test cluster (admin), as `ClusterPool` makes it. */
export function clusterClient(which: "admin" | "controller" = "admin"): ClusterClient {
  const file = inject(which === "admin" ? "kubeconfig" : "controllerKubeconfig");
  return new ClusterClient(loadConnection({ file }), { log: createLogger({ level: "error" }) });
}

export function clients(kc = kubeConfig()) {
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    objects: KubernetesObjectApi.makeApiClient(kc),
  };
}

/** A fresh namespace for one test file; delete it in afterAll. */
export async function createNamespace(
  prefix: string,
): Promise<{ name: string; remove: () => Promise<void> }> {
  const name = `${prefix}-${randomBytes(3).toString("hex")}`;
  const { core } = clients();
  await core.createNamespace({ body: { metadata: { name } } });
  return {
    name,
    remove: async () => {
      await core.deleteNamespace({ name }).catch(() => undefined);
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 200, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs}ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`,
  );
}

export interface AuditEvent {
  verb: string;
  user: { username: string };
  objectRef?: { resource?: string; namespace?: string; name?: string };
  requestReceivedTimestamp: string;
  /** The answer: a refused write (a Lease claim that lost a race: 409) is in the log too. */
  responseStatus?: { code?: number };
}

/** Writes recorded by the API server's audit log, optionally for one user only. */
export async function auditedWrites(user?: string): Promise<AuditEvent[]> {
  const text = await readFile(inject("auditLog"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditEvent)
    .filter((e) => !user || e.user.username === user);
}
