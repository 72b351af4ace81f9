// Incremental work (issue 17). The real controller follows two branches on the
// real Git server, polling every second, with its control files on a third
// branch, and releases one of the branches. A push that changes one ref renders
// that deployment only, and the release only when it is the release's ref; a
// control-branch edit renders only the deployment and release that read the
// file; a no-op resync renders nothing, compares nothing and writes nothing;
// drift is still undone. What is asserted is what a user can see:
// `kubefox_gitops_render_total` and `kubefox_gitops_release_render_total` on
// /metrics, the status in the cluster, the API server's audit log.
import { randomBytes } from "node:crypto";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import {
  deploymentStatus,
  storedStatus,
  startController,
  type RunningController,
} from "../support/controller.js";
import { serverUrl } from "../support/api.js";
import { metric } from "../support/failure-helpers.js";
import { createRepoWithClone } from "../support/git.js";
import { auditedWrites, clients, eventually } from "../support/kube.js";
import { systemFiles } from "../support/systems.js";

const namespace = `incr-${randomBytes(3).toString("hex")}`;
const platform = "incr";
const mainWeb = "shop-branch-main-store-web";

let work: WorkingCopy;
let controller: RunningController;
let api: string;
const head: Record<string, string> = {};

function controlFiles(region: string): Record<string, string> {
  return {
    "kubefox.yaml": systemFiles()["kubefox.yaml"]!,
    "environments/dev.yaml": `apiVersion: kubefox.io/v1alpha1
kind: Environment
metadata: {name: dev}
spec:
  vars: {region: ${region}}
`,
    [`platforms/${platform}.yaml`]: `apiVersion: kubefox.io/v1alpha1
kind: Platform
metadata: {name: ${platform}}
spec:
  namespace: ${namespace}
  deployments:
    - ref: branch/main
    - ref: branch/other
      environment: dev
  releases:
    - environment: dev
      ref: branch/main
`,
  };
}

/** Commits `files` on `branch` and pushes it; returns the commit. */
async function pushTo(branch: string, files: Record<string, string>, message: string) {
  if ((await work.git("branch", "--show-current")) !== branch)
    await work.git("checkout", "--quiet", branch);
  head[branch] = await work.commitAndPush(files, message);
  return head[branch];
}

const renders = () => metric(api, "kubefox_gitops_render_total", { platform });
const compares = () => metric(api, "kubefox_gitops_compare_total", { platform });
const releaseRenders = () => metric(api, "kubefox_gitops_release_render_total", { platform });
const releaseCompares = () => metric(api, "kubefox_gitops_release_compare_total", { platform });
/** Every counter of work a reconcile can skip, at once. */
const counters = async () => ({
  renders: await renders(),
  compares: await compares(),
  releaseRenders: await releaseRenders(),
  releaseCompares: await releaseCompares(),
});
const syncs = () => metric(api, "kubefox_gitops_syncs_total");

/** Waits until the controller has finished `n` more repository syncs (polls, one a second). */
async function polls(n: number): Promise<void> {
  const target = (await syncs()) + n;
  await eventually(async () => ((await syncs()) >= target ? true : undefined), {
    what: `${n} more syncs`,
  });
  // The platforms reconcile after their repository's sync: let the last one finish.
  await new Promise((r) => setTimeout(r, 300));
}

/** The controller's writes to this namespace's managed objects since `since` (status and Events left out). */
async function objectWritesSince(since: Date): Promise<string[]> {
  return (await auditedWrites(inject("controllerUser")))
    .filter(
      (e) =>
        new Date(e.requestReceivedTimestamp) >= since &&
        e.objectRef?.namespace === namespace &&
        e.objectRef.resource !== "events" &&
        e.objectRef.name !== "kubefox-gitops-status",
    )
    .map((e) => `${e.verb} ${e.objectRef?.resource}/${e.objectRef?.name}`);
}

const applied = (ref: string, what: string) =>
  deploymentStatus(namespace, `branch/${ref}`, (d) => d.appliedId === head[ref], what);

/** Waits until the dev release serves `commit`, with nothing pending; returns its state. */
const released = (commit: string, what: string) =>
  eventually(
    async () => {
      const dev = (await storedStatus(namespace))?.releases?.["dev"];
      return dev?.active?.commit === commit && !dev.pending && dev.retiring.length === 0
        ? dev
        : undefined;
    },
    { what },
  );

describe("incremental work", () => {
  beforeAll(async () => {
    const created = await createRepoWithClone("incr");
    work = created.work;
    await work.git("checkout", "--quiet", "-b", "control");
    await pushTo("control", controlFiles("eu"), "control files");
    await work.git("checkout", "--quiet", "--orphan", "main");
    await work.git("rm", "-r", "--quiet", "-f", ".");
    await pushTo("main", systemFiles(), "system");
    await work.git("checkout", "--quiet", "-b", "other");
    await pushTo("other", systemFiles({ image: "ghcr.io/acme/shop-web:2.0.0" }), "other");
    controller = await startController(created.repo.url, { args: ["--branch", "control"] });
    api = await serverUrl(controller.logs);
    await applied("main", "branch/main applied");
    await applied("other", "branch/other applied");
    await released(head["main"]!, "the dev release active at main");
  });

  afterAll(async () => {
    await controller?.stop();
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await work?.remove();
  });

  it("a no-op resync renders nothing, compares nothing and writes nothing", async () => {
    await polls(2); // the first syncs after the rollout may still write status
    const before = await counters();
    const since = new Date();
    await polls(3);
    expect(await counters()).toEqual(before);
    expect(await objectWritesSince(since)).toEqual([]);
  });

  it("a push to one ref renders that deployment only", async () => {
    await polls(1);
    const before = await renders();
    const releasesBefore = await releaseRenders();
    const since = new Date();
    await pushTo("other", systemFiles({ image: "ghcr.io/acme/shop-web:2.0.1" }), "2.0.1");
    await applied("other", "branch/other at the new commit");
    await polls(2);
    expect(await renders()).toBe(before + 1);
    expect(await releaseRenders()).toBe(releasesBefore);
    expect(await objectWritesSince(since)).toEqual([
      "patch deployments/shop-branch-other-store-web",
    ]);
  });

  it("a push to the release's ref renders the new version once, and the deployment once", async () => {
    await polls(1);
    const before = await counters();
    const active = (await storedStatus(namespace))?.releases?.["dev"]?.active?.commit;
    await pushTo("main", systemFiles({ image: "ghcr.io/acme/shop-web:1.0.1" }), "1.0.1");
    await applied("main", "branch/main at the new commit");
    await released(head["main"]!, "the dev release cut over to the new commit");
    await polls(2);
    const after = await counters();
    expect(after.renders).toBe(before.renders + 1);
    // The new version and its front, once each; the outgoing version was rendered before.
    expect(after.releaseRenders).toBe(before.releaseRenders + 2);
    expect(active).not.toBe(head["main"]);
  });

  it("a control-branch edit renders only the deployment and the release that read the file", async () => {
    await polls(1);
    const before = await renders();
    const releasesBefore = await releaseRenders();
    await pushTo("control", controlFiles("us"), "region us");
    await eventually(
      async () => {
        const cm = await clients()
          .core.readNamespacedConfigMap({ name: "shop-branch-other-store-web", namespace })
          .catch(() => undefined);
        return JSON.stringify(cm?.data ?? {}).includes("us") ? true : undefined;
      },
      { what: "branch/other's ConfigMap with region us" },
    );
    await eventually(
      async () => {
        const dev = (await storedStatus(namespace))?.releases?.["dev"];
        const configMap = dev?.active?.inventory.find((e) => e.kind === "ConfigMap");
        if (!configMap) return undefined;
        const cm = await clients()
          .core.readNamespacedConfigMap({ name: configMap.name, namespace })
          .catch(() => undefined);
        return JSON.stringify(cm?.data ?? {}).includes("us") ? true : undefined;
      },
      { what: "the dev release's ConfigMap with region us" },
    );
    await polls(2);
    expect(await renders()).toBe(before + 1);
    // The release's version at the same commit with the new variables, and its front.
    expect(await releaseRenders()).toBe(releasesBefore + 2);
  });

  it("drift is still undone within seconds", async () => {
    await polls(1);
    const before = await renders();
    await execa("kubectl", ["scale", "deployment", mainWeb, "-n", namespace, "--replicas=5"], {
      env: { KUBECONFIG: inject("kubeconfig") },
    });
    await eventually(
      async () => {
        const d = await clients().apps.readNamespacedDeployment({ name: mainWeb, namespace });
        return d.spec?.replicas === 2 ? true : undefined;
      },
      { what: "the edit undone", timeoutMs: 10_000 },
    );
    // Undone by comparing with what was rendered before: nothing was rendered again.
    expect(await renders()).toBe(before);
  });

  it("drift of a release's object is undone within seconds, with nothing rendered again", async () => {
    await polls(1);
    const before = await releaseRenders();
    const dev = (await storedStatus(namespace))?.releases?.["dev"];
    const web = dev?.active?.inventory.find((e) => e.kind === "Deployment")?.name;
    expect(web).toBeDefined();
    await execa("kubectl", ["scale", "deployment", web!, "-n", namespace, "--replicas=5"], {
      env: { KUBECONFIG: inject("kubeconfig") },
    });
    await eventually(
      async () => {
        const d = await clients().apps.readNamespacedDeployment({ name: web!, namespace });
        return d.spec?.replicas === 2 ? true : undefined;
      },
      { what: "the edit undone", timeoutMs: 10_000 },
    );
    expect(await releaseRenders()).toBe(before);
  });
});
