// Platforms on different clusters reconcile independently (issue: Deployments):
// with one platform's kubeconfig context pointing at a cluster that does not
// answer, the other platform still deploys every push at once.
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { freePort } from "../../hack/cluster/ports.js";
import { startController, type RunningController } from "../support/controller.js";
import { createRepoWithClone } from "../support/git.js";
import { clients, eventually } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";

const near = `near-${randomBytes(3).toString("hex")}`;
const far = `far-${randomBytes(3).toString("hex")}`;

let work: WorkingCopy;
let controller: RunningController;

/** The controller's kubeconfig plus a context `far` whose server refuses every connection. */
async function twoClusterKubeconfig(): Promise<{ file: string; nearContext: string }> {
  const kc = new KubeConfig();
  kc.loadFromFile(inject("controllerKubeconfig"));
  const nearContext = kc.getCurrentContext();
  const user = kc.getCurrentUser()!.name;
  kc.addCluster({
    name: "far",
    server: `https://127.0.0.1:${await freePort()}`,
    skipTLSVerify: true,
  });
  kc.addContext({ name: "far", cluster: "far", user });
  const file = path.join(tmpdir(), `kubefox-two-clusters-${near}.kubeconfig`);
  await writeFile(file, kc.exportConfig(), { mode: 0o600 });
  return { file, nearContext };
}

async function image(): Promise<string | undefined> {
  const d = await clients()
    .apps.readNamespacedDeployment({ name: "shop-branch-main-store-web", namespace: near })
    .catch(() => undefined);
  return d?.spec?.template.spec?.containers[0]?.image;
}

describe("platforms on different clusters", () => {
  beforeAll(async () => {
    const { file, nearContext } = await twoClusterKubeconfig();
    const created = await createRepoWithClone("clusters");
    work = created.work;
    await work.commitAndPush(
      {
        ...systemFiles(),
        ...platformFile("near", near, ["branch/main"], `  cluster: {context: ${nearContext}}\n`),
        ...platformFile("far", far, ["branch/main"], "  cluster: {context: far}\n"),
      },
      "two platforms",
    );
    controller = await startController(created.repo.url, { args: ["--kubeconfig", file] });
  });

  afterAll(async () => {
    await controller?.stop();
    await clients()
      .core.deleteNamespace({ name: near })
      .catch(() => undefined);
    await work?.remove();
  });

  it("deploys to the reachable cluster while the other one never answers", async () => {
    await eventually(
      async () => ((await image()) === "ghcr.io/acme/shop-web:1.0.0" ? true : undefined),
      {
        what: "the near platform deployed",
      },
    );
    await eventually(
      async () =>
        /"platform sync failed".*"platform":"far".*ClusterUnavailable/.test(controller.logs())
          ? true
          : undefined,
      { what: "the far platform reported unreachable", timeoutMs: 60_000 },
    );

    // Pushes keep reaching the near cluster within seconds, whatever the far one does.
    for (const version of ["1.1.0", "1.2.0"]) {
      const pushed = Date.now();
      await work.commitAndPush(systemFiles({ image: `ghcr.io/acme/shop-web:${version}` }), version);
      await eventually(
        async () => ((await image()) === `ghcr.io/acme/shop-web:${version}` ? true : undefined),
        {
          what: `${version} on the near cluster`,
          timeoutMs: 10_000,
        },
      );
      expect(Date.now() - pushed).toBeLessThan(10_000);
    }
  });
});
