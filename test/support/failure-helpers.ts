// Helpers for the failure suites (issue 8, test/failure/): reading a running
// controller the way an operator would when something breaks (its JSON logs,
// /healthz, /metrics), reading the status a controller keeps in a cluster other
// than the shared one, and undoing everything a test started, in reverse order.
import type { V1ConfigMap } from "@kubernetes/client-node";
import type { StoredStatus } from "../../controller/status/store.js";
import { request } from "./api.js";
import type { DeploymentView } from "./controller.js";
import { clients, eventually } from "./kube.js";

/** Steps run in reverse order of registration in afterAll, each one's failure ignored. */
export class Cleanup {
  private readonly steps: (() => Promise<unknown>)[] = [];

  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) await step().catch(() => undefined);
  }
}

export interface LogRecord {
  time: string;
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** The controller's JSON log lines, parsed; other lines (a stack trace, tsx output) skipped. */
export function logRecords(logs: string): LogRecord[] {
  const out: LogRecord[] = [];
  for (const line of logs.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      out.push(JSON.parse(line) as LogRecord);
    } catch {
      // a line cut in the middle by the last read
    }
  }
  return out;
}

/** Is the process alive and serving? `/healthz` answers 200. */
export async function healthy(base: string): Promise<boolean> {
  const reply = await request(`${base}/healthz`).catch(() => undefined);
  return reply?.status === 200;
}

/** One sample of a Prometheus metric (the sum over every label set that matches `labels`). */
export async function metric(
  base: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = (await request(`${base}/metrics`)).text;
  let sum = 0;
  let found = false;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const set = match[2] ?? "";
    if (Object.entries(labels).some(([k, v]) => !set.includes(`${k}="${v}"`))) continue;
    sum += Number(match[3]);
    found = true;
  }
  if (!found) throw new Error(`metric ${name}${JSON.stringify(labels)} is not in /metrics`);
  return sum;
}

/** The platform's status ConfigMap as the controller keeps it, in the cluster `kubeconfig` names. */
export async function storedStatusIn(
  kubeconfig: Parameters<typeof clients>[0],
  namespace: string,
): Promise<StoredStatus | undefined> {
  const cm: V1ConfigMap | undefined = await clients(kubeconfig)
    .core.readNamespacedConfigMap({ name: "kubefox-gitops-status", namespace })
    .catch(() => undefined);
  const text = cm?.data?.["status.json"];
  return text ? (JSON.parse(text) as StoredStatus) : undefined;
}

/** Waits until the deployment with `ref` satisfies `check`, in the status kept in that cluster. */
export function deploymentStatusIn(
  kubeconfig: Parameters<typeof clients>[0],
  namespace: string,
  ref: string,
  check: (d: DeploymentView) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<DeploymentView> {
  return eventually(
    async () => {
      const d = (await storedStatusIn(kubeconfig, namespace))?.deployments.find(
        (x) => x.ref === ref,
      );
      return d && check(d) ? d : undefined;
    },
    { timeoutMs, what },
  );
}

/** Runs `task` over `items` with at most `limit` at a time; results in input order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Every object of ours in a namespace, as kind/name → uid (the status ConfigMap left out). */
export async function managedObjects(namespace: string): Promise<Record<string, string>> {
  const { apps, core } = clients();
  const labelSelector = "app.kubernetes.io/managed-by=kubefox-gitops";
  const out: Record<string, string> = {};
  for (const d of (await apps.listNamespacedDeployment({ namespace, labelSelector })).items)
    out[`Deployment/${d.metadata!.name}`] = d.metadata!.uid!;
  for (const s of (await core.listNamespacedService({ namespace, labelSelector })).items)
    out[`Service/${s.metadata!.name}`] = s.metadata!.uid!;
  for (const c of (await core.listNamespacedConfigMap({ namespace, labelSelector })).items)
    if (c.metadata!.name !== "kubefox-gitops-status")
      out[`ConfigMap/${c.metadata!.name}`] = c.metadata!.uid!;
  return out;
}
