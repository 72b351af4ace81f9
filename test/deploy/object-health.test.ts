// Health of every object (issue 15, item 5): a deployment is Ready only when
// everything it applied is, by kstatus's rules, not only its Deployments. The
// real `kubefox-gitops run` deploys a ref whose manifests/ hold a StatefulSet no
// KWOK node can run (its nodeSelector matches none) and a claim no volume
// satisfies; the test reads back what a user sees: the stored status and the
// status API's answer. Polling is off until the last step, so every status
// change seen before it came from the watch on those objects, not from a poll.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { apiBase } from "../../webhooks/api/types.js";
import { expectDocumented, request, serverUrl } from "../support/api.js";
import {
  deploymentStatus,
  startController,
  type RunningController,
} from "../support/controller.js";
import { createRepoWithClone } from "../support/git.js";
import { clients } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";

const suffix = randomBytes(3).toString("hex");
const namespace = `e2e-health-${suffix}`;
const storageClass = `e2e-manual-${suffix}`;
const volume = `e2e-health-${suffix}`;

/** A StatefulSet whose pod waits for a node labelled `nodeSelector` (none is), and a claim. */
function manifests(nodeSelector: string | undefined): Record<string, string> {
  return {
    "manifests/db.yaml": `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 1
  # Parallel: a pod that never started is replaced when the template changes.
  podManagementPolicy: Parallel
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
${nodeSelector ? `      nodeSelector: {${nodeSelector}}\n` : ""}      containers: [{name: db, image: ghcr.io/acme/db:1.0.0}]
`,
    "manifests/data.yaml": `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ${storageClass}
  resources: {requests: {storage: 1Gi}}
`,
  };
}

let work: WorkingCopy;
let repoUrl: string;
let controller: RunningController;

describe("health of every object", () => {
  beforeAll(async () => {
    const created = await createRepoWithClone("object-health");
    work = created.work;
    repoUrl = created.repo.url;
    await work.commitAndPush(
      {
        ...systemFiles({ replicas: 1 }),
        ...platformFile("e2e", namespace, ["branch/main"]),
        ...manifests(`kubefox.io/e2e-never: "true"`),
      },
      "a StatefulSet no node can run, and a claim no volume satisfies",
    );
    controller = await startController(repoUrl, { args: ["--poll", "0 0 1 1 *"] });
  });

  afterAll(async () => {
    await controller?.stop();
    const { core } = clients();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    await core.deletePersistentVolume({ name: volume }).catch(() => undefined);
    await work?.remove();
  });

  it("holds the deployment out of Ready while a StatefulSet never starts, and says why", async () => {
    const status = await deploymentStatus(
      namespace,
      "branch/main",
      (d) =>
        d.components.every((c) => c.state === "Ready") &&
        d.notReady?.some((o) => o.kind === "StatefulSet" && o.message === "Ready: 0/1") === true,
      "the web component Ready and the StatefulSet listed as not ready",
    );
    expect(status.state).toBe("Progressing");
    expect(status.notReady).toEqual([
      {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        name: "data",
        namespace,
        state: "Progressing",
        message: "PVC is not Bound. phase: Pending",
      },
      {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        name: "db",
        namespace,
        state: "Progressing",
        message: "Ready: 0/1",
      },
    ]);

    // The status API says the same, in the shape its OpenAPI document gives.
    const base = await serverUrl(controller.logs);
    const template = "/platform/{name}/deployment/{system}/{refType}/{ref}";
    const reply = await request(`${base}${apiBase}/platform/e2e/deployment/shop/branch/main`);
    expectDocumented(apiBase + template, "get", reply);
    const answer = (reply.body as { data: { status: Record<string, unknown> } }).data.status;
    expect(answer).toMatchObject({ ready: false, state: "Progressing" });
    expect(answer.notReady).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: "StatefulSet" })]),
    );
  });

  it("sees a claim become Bound without a new commit or a poll: its status change refreshes the status", async () => {
    // Someone provides the volume: nothing in Git changes, only the claim's status.
    await clients().core.createPersistentVolume({
      body: {
        metadata: { name: volume },
        spec: {
          capacity: { storage: "1Gi" },
          accessModes: ["ReadWriteOnce"],
          storageClassName: storageClass,
          persistentVolumeReclaimPolicy: "Retain",
          claimRef: { namespace, name: "data" },
          hostPath: { path: `/tmp/${volume}` },
        },
      },
    });
    const status = await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.notReady?.every((o) => o.kind !== "PersistentVolumeClaim") === true,
      "the claim no longer listed",
      60_000, // the volume binder runs every 15 seconds
    );
    expect(status.state).toBe("Progressing");
    expect(status.notReady?.map((o) => `${o.kind} ${o.name}`)).toEqual(["StatefulSet db"]);
  });

  it("becomes Ready once the StatefulSet's pod can run, and lists nothing", async () => {
    // Polling on again (one a second), so the push is seen; a restart on the way.
    await controller.stop();
    controller = await startController(repoUrl);
    const id = await work.commitAndPush(
      {
        ...systemFiles({ replicas: 1 }),
        ...platformFile("e2e", namespace, ["branch/main"]),
        ...manifests(undefined),
      },
      "the StatefulSet runs anywhere",
    );
    const status = await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.id === id && d.state === "Ready",
      "Ready at the fixing commit",
      60_000,
    );
    // Absent, not empty: an all-Ready deployment's status is what it was before issue 15.
    expect(status).not.toHaveProperty("notReady");
    expect(status.inventory.map((e) => `${e.kind} ${e.name}`)).toEqual(
      expect.arrayContaining(["StatefulSet db", "PersistentVolumeClaim data"]),
    );
  });
});
