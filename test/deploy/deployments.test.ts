// git push deploys (issue: Deployments). The real `kubefox-gitops run` watches a
// repository on the real Git server; a person pushes with the real git client;
// the test reads back what a user sees: the objects in the cluster, the status
// kept in the cluster, and the API server's audit log of the controller's writes.
import { randomBytes } from "node:crypto";
import type { V1Deployment } from "@kubernetes/client-node";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import {
  deploymentStatus,
  startController,
  storedStatus,
  type RunningController,
} from "../support/controller.js";
import { createRepoWithClone } from "../support/git.js";
import { auditedWrites, clients, eventually } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";

const namespace = `e2e-${randomBytes(3).toString("hex")}`;
const web = "shop-branch-main-store-web";

let work: WorkingCopy;
let repoUrl: string;
let controller: RunningController;

async function liveDeployment(name: string): Promise<V1Deployment | undefined> {
  return clients()
    .apps.readNamespacedDeployment({ name, namespace })
    .catch(() => undefined);
}

function image(d: V1Deployment | undefined): string | undefined {
  return d?.spec?.template.spec?.containers[0]?.image;
}

async function writesSince(since: Date): Promise<string[]> {
  return (await auditedWrites(inject("controllerUser")))
    .filter((e) => new Date(e.requestReceivedTimestamp) >= since)
    .map((e) => `${e.verb} ${e.objectRef?.resource}/${e.objectRef?.name}`);
}

/** Waits until every poll in `ms` has passed without a write, then reports any write. */
async function quietFor(ms: number): Promise<string[]> {
  const since = new Date();
  await new Promise((r) => setTimeout(r, ms));
  return writesSince(since);
}

describe("git push deploys", () => {
  beforeAll(async () => {
    const created = await createRepoWithClone("deploy");
    work = created.work;
    repoUrl = created.repo.url;
    await work.commitAndPush(
      { ...systemFiles(), ...platformFile("e2e", namespace, ["branch/main"]) },
      "first system",
    );
    controller = await startController(repoUrl);
  });

  afterAll(async () => {
    await controller?.stop();
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await work?.remove();
  });

  it("deploys the main branch and reports it Ready, with a warning for each env entry left out", async () => {
    const status = await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.state === "Ready",
      "branch/main Ready",
    );
    expect(status.id).toMatch(/^[0-9a-f]{40}$/);
    expect(status.appliedId).toBe(status.id);
    expect(status.components).toEqual([
      expect.objectContaining({
        app: "store",
        component: "web",
        deployment: web,
        state: "Ready",
        replicas: "2/2",
      }),
    ]);
    expect(status.warnings).toEqual([
      expect.stringMatching(
        /env REGION left out: it needs \{\{\.Env\.region\}\} and the deployment names no environment/,
      ),
    ]);
    const d = await liveDeployment(web);
    expect(image(d)).toBe("ghcr.io/acme/shop-web:1.0.0");
    expect(d?.metadata?.labels).toMatchObject({
      "app.kubernetes.io/managed-by": "kubefox-gitops",
      "kubefox.io/platform": "e2e",
      "kubefox.io/system": "shop",
      "kubefox.io/commit": status.id,
    });
    expect(d?.metadata?.annotations?.["kubefox.io/ref"]).toBe("branch/main");
    const cm = await clients().core.readNamespacedConfigMap({ name: web, namespace });
    expect(cm.data).toEqual({ GREETING: "hello" });
    expect(
      (await clients().core.readNamespacedService({ name: web, namespace })).spec?.ports?.[0]?.port,
    ).toBe(8080);
  });

  it("rolls the Deployment when a new image is pushed", async () => {
    const since = new Date();
    const id = await work.commitAndPush(
      systemFiles({ image: "ghcr.io/acme/shop-web:1.1.0" }),
      "web 1.1.0",
    );
    await eventually(
      async () =>
        image(await liveDeployment(web)) === "ghcr.io/acme/shop-web:1.1.0" ? true : undefined,
      {
        what: "the new image on the Deployment",
      },
    );
    const status = await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.id === id && d.state === "Ready",
      "Ready at the new commit",
    );
    expect(status.appliedId).toBe(id);
    // The audit log sees the controller's writes (so the zero-write checks below can fail);
    // the ConfigMap's content did not change, so it is not written (issue 11).
    const writes = await writesSince(since);
    expect(writes).toEqual(expect.arrayContaining([`patch deployments/${web}`]));
    expect(writes).not.toContain(`patch configmaps/${web}`);
  });

  it("sends no write to the API server when neither Git nor the cluster changed", async () => {
    await deploymentStatus(namespace, "branch/main", (d) => d.state === "Ready", "settled");
    // Several polls (one a second) and their syncs run in these 4 seconds.
    expect(await quietFor(4000)).toEqual([]);
  });

  it("puts back a Deployment scaled by hand within seconds", async () => {
    await execa("kubectl", ["scale", "deployment", web, "-n", namespace, "--replicas=5"], {
      env: { KUBECONFIG: inject("kubeconfig") },
    });
    expect((await liveDeployment(web))?.spec?.replicas).toBe(5);
    const started = Date.now();
    await eventually(
      async () => ((await liveDeployment(web))?.spec?.replicas === 2 ? true : undefined),
      {
        timeoutMs: 15_000,
        what: "replicas back at 2",
      },
    );
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("leaves an object it did not create alone and reports the conflict", async () => {
    const { core } = clients();
    const name = "shop-branch-main-store-api";
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name }, data: { mine: "yes" } },
    });
    await work.commitAndPush(
      systemFiles({
        image: "ghcr.io/acme/shop-web:1.1.0",
        extraComponents: "    api:\n      image: ghcr.io/acme/shop-api:1.0.0\n",
      }),
      "add api",
    );
    const status = await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.conflicts.length > 0,
      "a conflict in status",
    );
    expect(status.conflicts).toEqual([
      expect.objectContaining({
        kind: "ConfigMap",
        name,
        message: expect.stringMatching(/without the label/),
      }),
    ]);
    const cm = await core.readNamespacedConfigMap({ name, namespace });
    expect(cm.data).toEqual({ mine: "yes" });
    expect(cm.metadata?.labels).toBeUndefined();
    // The rest of the component was applied.
    expect(await liveDeployment(name)).toBeDefined();
  });

  it("deploys a tag added to the platform file, and prunes it when removed", async () => {
    await work.tag("v1.0.0");
    await work.git("push", "--quiet", "origin", "v1.0.0");
    await work.commitAndPush(
      platformFile("e2e", namespace, ["branch/main", "tag/v1.0.0"]),
      "deploy v1.0.0",
    );
    const tagged = await deploymentStatus(
      namespace,
      "tag/v1.0.0",
      (d) => d.state === "Ready",
      "tag/v1.0.0 Ready",
    );
    const name = tagged.components[0]!.deployment;
    expect(name).toMatch(/^shop-tag-v1-0-0-[0-9a-f]{6}-store-(api|web)$/);
    const names = tagged.inventory.map((e) => `${e.kind}/${e.name}`);

    const undeployed = await work.commitAndPush(
      platformFile("e2e", namespace, ["branch/main"]),
      "undeploy v1.0.0",
    );
    await eventually(async () => ((await liveDeployment(name)) ? undefined : true), {
      what: `${name} pruned`,
    });
    // Status is written at the end of the sync that pruned.
    await eventually(
      async () => {
        const deployments = (await storedStatus(namespace))?.deployments ?? [];
        return deployments.length === 1 && deployments[0]!.appliedId === undeployed
          ? true
          : undefined;
      },
      { what: "status with only branch/main, at the undeploy commit" },
    );
    const { core } = clients();
    for (const entry of names.filter((n) => n.startsWith("ConfigMap/"))) {
      await expect(
        core.readNamespacedConfigMap({ name: entry.slice(10), namespace }),
      ).rejects.toMatchObject({ code: 404 });
    }
    expect(await liveDeployment(web)).toBeDefined();
  });

  it("fails a broken commit alone, with the file and line, while the old pods keep running", async () => {
    const before = await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.state === "Ready",
      "Ready before",
    );
    const broken = systemFiles({ image: "ghcr.io/acme/shop-web:9.9.9" });
    broken["apps/store/app.yaml"] = broken["apps/store/app.yaml"]!.replace(
      "replicas: 2",
      "replicas: two",
    );
    const id = await work.commitAndPush(broken, "broken replicas");
    const failed = await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.id === id && d.state === "Failed",
      "Failed",
    );
    expect(failed.lastError).toMatch(/^apps\/store\/app\.yaml:\d+:\d+: .*replicas/m);
    expect(failed.lastErrorCode).toBe("ValidationFailed");
    expect(failed.appliedId).toBe(before.appliedId);
    const d = await liveDeployment(web);
    expect(image(d)).toBe("ghcr.io/acme/shop-web:1.1.0");
    const pods = await clients().core.listNamespacedPod({
      namespace,
      labelSelector: "kubefox.io/component=web",
    });
    expect(pods.items.filter((p) => p.status?.phase === "Running").length).toBeGreaterThanOrEqual(
      2,
    );

    // Fixing it rolls forward again.
    const fixed = await work.commitAndPush(
      systemFiles({ image: "ghcr.io/acme/shop-web:1.2.0" }),
      "fix",
    );
    await deploymentStatus(
      namespace,
      "branch/main",
      (s) => s.appliedId === fixed && s.state === "Ready",
      "Ready after the fix",
    );
  });

  it("restarts without a write and with the same status", async () => {
    await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.state === "Ready",
      "settled before restart",
    );
    await quietFor(1500);
    const before = await storedStatus(namespace);
    await controller.stop();
    const since = new Date();
    controller = await startController(repoUrl, { stateDir: controller.stateDir });
    await eventually(
      async () => (controller.logs().includes('"msg":"sync finished') ? true : undefined),
      { what: "the first sync after the restart" },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\ncontroller output:\n${controller.logs().slice(-3000)}`);
    });
    await new Promise((r) => setTimeout(r, 3000));
    expect(await writesSince(since)).toEqual([]);
    expect(await storedStatus(namespace)).toEqual(before);
  });
});
