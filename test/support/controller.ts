// Runs the real `kubefox-gitops run` command line as a subprocess against the
// test control plane, as a user would, and reads what a user can read back:
// the status kept in the cluster and the objects applied.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { V1ConfigMap } from "@kubernetes/client-node";
import { execa, type ResultPromise } from "execa";
import { inject } from "vitest";
import type { PlatformStatus } from "../../controller/status/status.js";
import type { StoredStatus } from "../../controller/status/store.js";
import { storedStatusSchema } from "../../schemas/status/stored-status.js";
import { schemaProblems } from "../../schemas/validate.test-support.js";
import { clients, eventually } from "./kube.js";

export interface RunningController {
  process: ResultPromise;
  stateDir: string;
  /** Everything it logged so far (JSON lines). */
  logs(): string;
  /** SIGTERM, and wait for it to exit. */
  stop(): Promise<void>;
}

export async function startController(
  repo: string,
  options: { stateDir?: string; args?: string[]; env?: Record<string, string> } = {},
): Promise<RunningController> {
  const stateDir = options.stateDir ?? (await mkdtemp(path.join(tmpdir(), "kubefox-state-")));
  const child = execa(
    "node",
    [
      "--import",
      "tsx",
      "controller/cli.ts",
      "run",
      "--repo",
      repo,
      "--kubeconfig",
      inject("controllerKubeconfig"),
      "--state-dir",
      stateDir,
      // Every second: URL sources have no webhook in these tests.
      "--poll",
      "* * * * * *",
      "--listen",
      "127.0.0.1:0",
      ...(options.args ?? []),
    ],
    { reject: false, env: options.env ?? {}, all: true, buffer: false },
  );
  let output = "";
  child.all?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return {
    process: child,
    stateDir,
    logs: () => output,
    stop: async () => {
      child.kill("SIGTERM");
      await child;
    },
  };
}

/** The platform's status as the controller keeps it in the cluster. */
export async function storedStatus(namespace: string): Promise<StoredStatus | undefined> {
  const { core } = clients();
  const cm: V1ConfigMap | undefined = await core
    .readNamespacedConfigMap({ name: "kubefox-gitops-status", namespace })
    .catch(() => undefined);
  const text = cm?.data?.["status.json"];
  if (!text) return undefined;
  // Every status a test reads from the cluster is checked against the contract.
  const problems = schemaProblems(storedStatusSchema, JSON.parse(text));
  if (problems.length > 0)
    throw new Error(`status.json of ${namespace} does not fit its schema: ${problems.join("; ")}`);
  return JSON.parse(text) as StoredStatus;
}

export type DeploymentView = StoredStatus["deployments"][number];

/** Waits until the deployment with `ref` satisfies `check` in the stored status. */
export function deploymentStatus(
  namespace: string,
  ref: string,
  check: (d: DeploymentView) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<DeploymentView> {
  return eventually(
    async () => {
      const d = (await storedStatus(namespace))?.deployments.find((x) => x.ref === ref);
      return d && check(d) ? d : undefined;
    },
    { timeoutMs, what },
  );
}

export type { PlatformStatus };
