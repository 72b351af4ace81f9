// A push rolls only what it changed (issue 11). The real controller follows a
// branch on the real Git server; each commit below changes one thing, and the
// test reads back what a user would look at: the API server's audit log of the
// controller's writes, the ReplicaSets and Pods (a rollout makes a new
// ReplicaSet and new pod UIDs), and the per-component commit in the status.
import { randomBytes } from "node:crypto";
import type { V1Deployment } from "@kubernetes/client-node";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import {
  deploymentStatus,
  startController,
  type RunningController,
} from "../support/controller.js";
import { createRepoWithClone } from "../support/git.js";
import { auditedWrites, clients, eventually } from "../support/kube.js";
import { platformFile } from "../support/systems.js";

const namespace = `roll-${randomBytes(3).toString("hex")}`;
const web = "shop-branch-main-store-web";
const api = "shop-branch-main-store-api";

let work: WorkingCopy;
let repoUrl: string;
let controller: RunningController;

interface Options {
  webImage?: string;
  apiLogLevel?: string;
  webNodePort?: number;
}

function appFile(o: Options = {}): string {
  const nodePort = o.webNodePort ? `, nodePort: ${o.webNodePort}` : "";
  return `apiVersion: kubefox.io/v1alpha1
kind: App
metadata: {name: store}
spec:
  title: Store
  components:
    web:
      image: ${o.webImage ?? "ghcr.io/acme/shop-web:1.0.0"}
      replicas: 2
      ports: [{name: http, containerPort: 8080${nodePort}}]
      env: {GREETING: hello}
    api:
      image: ghcr.io/acme/shop-api:1.0.0
      replicas: 1
      ports: [{name: http, containerPort: 9090}]
      env: {LOG_LEVEL: ${o.apiLogLevel ?? "info"}}
`;
}

const systemFile = `apiVersion: kubefox.io/v1alpha1
kind: System
metadata: {name: shop}
spec: {title: Shop}
`;

/** The controller's writes to objects of this namespace since `since`, status and Events left out. */
async function objectWritesSince(since: Date): Promise<string[]> {
  return (await auditedWrites(inject("controllerUser")))
    .filter(
      (e) =>
        new Date(e.requestReceivedTimestamp) >= since &&
        e.objectRef?.namespace === namespace &&
        e.objectRef.resource !== "events" &&
        e.objectRef.name !== "kubefox-gitops-status",
    )
    .map((e) => `${e.verb} ${e.objectRef?.resource}/${e.objectRef?.name}`)
    .sort();
}

/** Pod UIDs and ReplicaSet names per component: what a rollout changes. */
async function running(): Promise<{ pods: Record<string, string[]>; replicaSets: string[] }> {
  const { core, apps } = clients();
  const pods = (await core.listNamespacedPod({ namespace })).items.filter(
    (p) => !p.metadata?.deletionTimestamp,
  );
  const byComponent: Record<string, string[]> = {};
  for (const p of pods) {
    const key =
      p.metadata?.labels?.["kubefox.io/owner"] + "/" + p.metadata?.labels?.["kubefox.io/component"];
    (byComponent[key] ??= []).push(p.metadata!.uid!);
  }
  for (const uids of Object.values(byComponent)) uids.sort();
  const replicaSets = (await apps.listNamespacedReplicaSet({ namespace })).items
    .map((rs) => rs.metadata!.name!)
    .sort();
  return { pods: byComponent, replicaSets };
}

async function settled(id: string, what: string) {
  const status = await deploymentStatus(
    namespace,
    "branch/main",
    (d) => d.id === id && d.appliedId === id && d.state === "Ready",
    what,
  );
  // Old pods of a rollout are gone once the new ones are Ready; give terminating pods a moment.
  await eventually(
    async () => {
      const pods = await clients().core.listNamespacedPod({ namespace });
      return pods.items.every((p) => !p.metadata?.deletionTimestamp) ? true : undefined;
    },
    { what: "no pod terminating" },
  );
  return status;
}

async function liveDeployment(name: string): Promise<V1Deployment> {
  return clients().apps.readNamespacedDeployment({ name, namespace });
}

describe("a push rolls only what it changed", () => {
  let first: string;

  beforeAll(async () => {
    const created = await createRepoWithClone("rollout");
    work = created.work;
    repoUrl = created.repo.url;
    first = await work.commitAndPush(
      {
        "kubefox.yaml": systemFile,
        "apps/store/app.yaml": appFile(),
        "README.md": "# shop\n",
        ...platformFile("roll", namespace, ["branch/main"]),
      },
      "first system",
    );
    controller = await startController(repoUrl);
    await settled(first, "first commit Ready");
  });

  afterAll(async () => {
    await controller?.stop();
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await work?.remove();
  });

  it("labels each component with the commit its pods run", async () => {
    const status = await settled(first, "Ready");
    expect(status.components.map((c) => [c.component, c.commit])).toEqual([
      ["api", first],
      ["web", first],
    ]);
    const d = await liveDeployment(web);
    expect(d.metadata?.labels?.["kubefox.io/commit"]).toBe(first);
    expect(d.spec?.template.metadata?.labels?.["kubefox.io/commit"]).toBe(first);
    expect(d.metadata?.annotations?.["kubefox.io/template-hash"]).toMatch(/^[0-9a-f]{32}$/);
  });

  it("a docs-only commit writes nothing and restarts no pod", async () => {
    const before = await running();
    const since = new Date();
    const docs = await work.commitAndPush({ "README.md": "# shop\n\nNow with docs.\n" }, "docs");
    const status = await settled(docs, "Ready at the docs commit");
    expect(await objectWritesSince(since)).toEqual([]);
    expect(await running()).toEqual(before);
    // The ref moved; what runs did not.
    expect(status.components.map((c) => c.commit)).toEqual([first, first]);
    expect((await liveDeployment(web)).metadata?.labels?.["kubefox.io/commit"]).toBe(first);
  });

  it("a commit changing one component's env rolls that component's pods only", async () => {
    const before = await running();
    const since = new Date();
    const id = await work.commitAndPush(
      { "apps/store/app.yaml": appFile({ apiLogLevel: "debug" }) },
      "api debug",
    );
    const status = await settled(id, "Ready at the api change");
    expect(await objectWritesSince(since)).toEqual([
      `patch configmaps/${api}`,
      `patch deployments/${api}`,
    ]);
    const after = await running();
    const webKey = Object.keys(before.pods).find((k) => k.endsWith("/web"))!;
    const apiKey = Object.keys(before.pods).find((k) => k.endsWith("/api"))!;
    expect(after.pods[webKey]).toEqual(before.pods[webKey]);
    expect(after.pods[apiKey]).not.toEqual(before.pods[apiKey]);
    expect(after.replicaSets.filter((n) => n.startsWith(web))).toEqual(
      before.replicaSets.filter((n) => n.startsWith(web)),
    );
    expect(Object.fromEntries(status.components.map((c) => [c.component, c.commit]))).toEqual({
      api: id,
      web: first,
    });
  });

  it("a commit changing only a Service writes the Service and rolls no pod", async () => {
    const before = await running();
    const since = new Date();
    const nodePort = 30000 + Math.floor(Math.random() * 2700);
    const id = await work.commitAndPush(
      { "apps/store/app.yaml": appFile({ apiLogLevel: "debug", webNodePort: nodePort }) },
      "web on a node port",
    );
    await settled(id, "Ready at the Service change");
    expect(await objectWritesSince(since)).toEqual([`patch services/${web}`]);
    expect(await running()).toEqual(before);
    const svc = await clients().core.readNamespacedService({ name: web, namespace });
    expect(svc.spec?.type).toBe("NodePort");
    expect(svc.metadata?.labels?.["kubefox.io/commit"]).toBe(id);
  });

  it("keeps a tag deployment and a branch deployment of the same commit independent", async () => {
    // The first commit: a later one asks for a node port, which two Services cannot share.
    const tagged = first;
    await work.tag("v1.0.0", { target: first });
    await work.git("push", "--quiet", "origin", "v1.0.0");
    const before = await running();
    const since = new Date();
    const platformCommit = await work.commitAndPush(
      platformFile("roll", namespace, ["branch/main", "tag/v1.0.0"]),
      "deploy v1.0.0",
    );
    const tag = await deploymentStatus(
      namespace,
      "tag/v1.0.0",
      (d) => d.state === "Ready",
      "tag Ready",
    );
    expect(tag.appliedId).toBe(tagged);
    await settled(platformCommit, "branch Ready at the platform commit");
    // The branch's objects were not touched by a control-branch change.
    expect((await objectWritesSince(since)).filter((w) => w.includes("branch-main"))).toEqual([]);
    const withTag = await running();
    for (const [key, uids] of Object.entries(before.pods)) expect(withTag.pods[key]).toEqual(uids);

    // A new image on the branch rolls the branch's web, not the tag's.
    const id = await work.commitAndPush(
      {
        "apps/store/app.yaml": appFile({
          apiLogLevel: "debug",
          webImage: "ghcr.io/acme/shop-web:1.1.0",
        }).replace(/, nodePort: \d+/, ""),
      },
      "web 1.1.0",
    );
    await settled(id, "branch Ready at web 1.1.0");
    const after = await running();
    const tagKeys = Object.keys(withTag.pods).filter((k) => k.includes("tag-v1-0-0"));
    expect(tagKeys.length).toBe(2);
    for (const key of tagKeys) expect(after.pods[key]).toEqual(withTag.pods[key]);
    const tagWeb = tag.components.find((c) => c.component === "web")!.deployment;
    expect((await liveDeployment(tagWeb)).spec?.template.spec?.containers[0]?.image).toBe(
      "ghcr.io/acme/shop-web:1.0.0",
    );
  });

  it("upgrades from objects labelled at every commit without restarting a pod", async () => {
    await work.commitAndPush(platformFile("roll", namespace, ["branch/main"]), "branch only");
    const head = await work.git("rev-parse", "HEAD");
    await settled(head, "Ready before the upgrade");
    await controller.stop();
    // What an earlier version left behind: a desired-hash of its own scheme, no
    // template hash, and the pod template labelled with an older commit.
    for (const name of [web, api]) {
      await execa(
        "kubectl",
        [
          "annotate",
          "deployment",
          name,
          "-n",
          namespace,
          "--overwrite",
          "kubefox.io/desired-hash=0000",
          "kubefox.io/template-hash-",
        ],
        { env: { KUBECONFIG: inject("kubeconfig") } },
      );
    }
    const next = await work.commitAndPush({ "README.md": "# shop\n\nUpgraded.\n" }, "docs again");
    const before = await running();
    const since = new Date();
    controller = await startController(repoUrl, { stateDir: controller.stateDir });
    await settled(next, "Ready after the upgrade");
    // The metadata is written once; the pod templates are what they were.
    expect(await objectWritesSince(since)).toEqual([
      `patch deployments/${api}`,
      `patch deployments/${web}`,
    ]);
    expect(await running()).toEqual(before);
    const d = await liveDeployment(web);
    expect(d.metadata?.annotations?.["kubefox.io/template-hash"]).toMatch(/^[0-9a-f]{32}$/);
    expect(d.spec?.template.metadata?.labels?.["kubefox.io/commit"]).not.toBe(next);
  });
});
