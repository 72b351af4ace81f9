// What must never go wrong (issue: Deployments): a manifest the platform's policy
// refuses is not applied and what ran keeps running; sync results show up as
// Kubernetes Events; a controller killed with SIGKILL in the middle of applying
// converges on the next start, with no object lost, none twice, nothing extra.
import { randomBytes } from "node:crypto";
import { execa } from "execa";
import { afterAll, describe, expect, inject, it } from "vitest";
import {
  deploymentStatus,
  startController,
  type RunningController,
} from "../support/controller.js";
import { createRepoWithClone } from "../support/git.js";
import { clients, eventually } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
});

function track(namespace: string, controller: RunningController) {
  cleanup.push(() => controller.stop());
  cleanup.push(() => clients().core.deleteNamespace({ name: namespace }));
}

describe("platform policy", () => {
  it("refuses a privileged manifest, applies nothing of that commit, and keeps what ran", async () => {
    const namespace = `policy-${randomBytes(3).toString("hex")}`;
    const { repo, work } = await createRepoWithClone("policy");
    cleanup.push(() => work.remove());
    await work.commitAndPush(
      { ...systemFiles(), ...platformFile("p", namespace, ["branch/main"]) },
      "first",
    );
    const controller = await startController(repo.url);
    track(namespace, controller);
    const ready = await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.state === "Ready",
      "Ready",
    );

    const id = await work.commitAndPush(
      {
        ...systemFiles({ image: "ghcr.io/acme/shop-web:2.0.0" }),
        "manifests/agent.yaml": `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostNetwork: true
      containers: [{name: agent, image: agent:1, securityContext: {privileged: true}}]
`,
      },
      "a privileged agent",
    );
    const refused = await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.id === id && d.state === "Failed",
      "refused",
    );
    expect(refused.lastErrorCode).toBe("PolicyViolation");
    expect(refused.lastError).toBe(
      [
        "manifests/agent.yaml:9:7: DaemonSet agent asks for hostNetwork, which platform p does not allow",
        "manifests/agent.yaml:10:68: DaemonSet agent runs container agent privileged, which platform p does not allow",
      ].join("\n"),
    );
    expect(refused.appliedId).toBe(ready.appliedId);
    const { apps } = clients();
    await expect(apps.readNamespacedDaemonSet({ name: "agent", namespace })).rejects.toMatchObject({
      code: 404,
    });
    const web = await apps.readNamespacedDeployment({
      name: "shop-branch-main-store-web",
      namespace,
    });
    expect(web.spec?.template.spec?.containers[0]?.image).toBe("ghcr.io/acme/shop-web:1.0.0");

    // Sync results are Events on the platform's status ConfigMap.
    const { stdout } = await execa(
      "kubectl",
      [
        "get",
        "events",
        "-n",
        namespace,
        "--field-selector",
        "involvedObject.name=kubefox-gitops-status",
        "-o",
        "json",
      ],
      { env: { KUBECONFIG: inject("kubeconfig") } },
    );
    const reasons = (
      JSON.parse(stdout) as { items: { reason: string; message: string }[] }
    ).items.map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(["Applied", "SyncFailed"]));
  });
});

describe("a controller killed in the middle of applying", () => {
  it("converges on the next start with no object lost, none twice and nothing extra", async () => {
    const namespace = `kill-${randomBytes(3).toString("hex")}`;
    const { repo, work } = await createRepoWithClone("sigkill");
    cleanup.push(() => work.remove());
    const components = Array.from(
      { length: 60 },
      (_, i) =>
        `    c${i}:\n      image: ghcr.io/acme/c:${i}\n      ports: [{name: http, containerPort: 8080}]\n`,
    ).join("");
    await work.commitAndPush(
      {
        ...systemFiles({ extraComponents: components }),
        ...platformFile("k", namespace, ["branch/main"]),
      },
      "61 components",
    );
    const first = await startController(repo.url);
    const { apps, core } = clients();
    const deploymentsNow = async () =>
      (await apps.listNamespacedDeployment({ namespace }).catch(() => ({ items: [] }))).items
        .length;
    // Kill it once some, but not all, of the objects are there.
    await eventually(async () => ((await deploymentsNow()) >= 1 ? true : undefined), {
      intervalMs: 20,
      what: "the first Deployment applied",
    });
    first.process.kill("SIGKILL");
    await first.process;
    const atKill = await deploymentsNow();
    expect(atKill).toBeLessThan(61);

    const second = await startController(repo.url, { stateDir: first.stateDir });
    track(namespace, second);
    const ready = await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.state === "Ready",
      "Ready after the restart",
      60_000,
    );
    const deployments = (await apps.listNamespacedDeployment({ namespace })).items.map(
      (d) => d.metadata!.name!,
    );
    const services = (await core.listNamespacedService({ namespace })).items.map(
      (s) => s.metadata!.name!,
    );
    const configMaps = (
      await core.listNamespacedConfigMap({ namespace, labelSelector: "kubefox.io/owner" })
    ).items
      .map((c) => c.metadata!.name!)
      .filter((n) => n !== "kubefox-gitops-status");
    expect(new Set(deployments).size).toBe(61);
    expect(deployments).toHaveLength(61);
    expect(services).toHaveLength(61);
    expect(configMaps).toHaveLength(61);
    const inventory = ready.inventory.map((e) => `${e.kind}/${e.name}`).sort();
    expect(inventory).toEqual(
      [
        ...deployments.map((n) => `Deployment/${n}`),
        ...services.map((n) => `Service/${n}`),
        ...configMaps.map((n) => `ConfigMap/${n}`),
      ].sort(),
    );
  });
});
