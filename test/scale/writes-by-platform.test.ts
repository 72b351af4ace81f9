// kubefox_gitops_api_writes_total{platform} counts each platform's own writes
// (issue 17): four platforms of one cluster reconcile at once after a push, and
// each platform's count grows by exactly the writes the API server's audit log
// records in its namespace. (Platforms used to share their cluster client's
// counter, and each reconcile added the writes of those running beside it.)
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { serverUrl } from "../support/api.js";
import {
  deploymentStatus,
  startController,
  type RunningController,
} from "../support/controller.js";
import { metric } from "../support/failure-helpers.js";
import { createRepoWithClone } from "../support/git.js";
import { auditedWrites, clients, eventually } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";

const suffix = randomBytes(3).toString("hex");
const platforms = ["w0", "w1", "w2", "w3"].map((name) => ({
  name: `${name}-${suffix}`,
  namespace: `writes-${suffix}-${name}`,
}));
let work: WorkingCopy;
let controller: RunningController;
let api: string;
let head = "";

const files = (image: string) => ({
  ...systemFiles({ image, replicas: 1 }),
  ...Object.assign({}, ...platforms.map((p) => platformFile(p.name, p.namespace, ["branch/main"]))),
});

async function everyPlatformApplied(what: string): Promise<void> {
  for (const p of platforms)
    await deploymentStatus(p.namespace, "branch/main", (d) => d.appliedId === head, what);
}

const writesOf = (platform: string) => metric(api, "kubefox_gitops_api_writes_total", { platform });

describe("writes counted by platform", () => {
  beforeAll(async () => {
    const created = await createRepoWithClone("writes");
    work = created.work;
    head = await work.commitAndPush(files("ghcr.io/acme/shop-web:1.0.0"), "first");
    controller = await startController(created.repo.url);
    api = await serverUrl(controller.logs);
    await everyPlatformApplied("every platform applied");
  });

  afterAll(async () => {
    await controller?.stop();
    for (const p of platforms)
      await clients()
        .core.deleteNamespace({ name: p.namespace })
        .catch(() => undefined);
    await work?.remove();
  });

  it("adds to each platform only the writes made in its namespace", async () => {
    // Let the first rollout's status writes settle: two counts a second apart agree.
    const settled = async () => {
      const a = await Promise.all(platforms.map((p) => writesOf(p.name)));
      await new Promise((r) => setTimeout(r, 1500));
      const b = await Promise.all(platforms.map((p) => writesOf(p.name)));
      return a.every((n, i) => n === b[i]) ? b : undefined;
    };
    const before = await eventually(settled, { what: "the write counts to settle" });
    const since = new Date();
    head = await work.commitAndPush(files("ghcr.io/acme/shop-web:1.0.1"), "1.0.1");
    await everyPlatformApplied("every platform at the push");
    const after = await eventually(settled, { what: "the write counts to settle again" });

    // Every write: objects, the status ConfigMap, Events.
    const audited = (await auditedWrites(inject("controllerUser"))).filter(
      (e) => new Date(e.requestReceivedTimestamp) >= since,
    );
    for (const [i, p] of platforms.entries()) {
      const inNamespace = audited.filter((e) => e.objectRef?.namespace === p.namespace).length;
      expect(inNamespace, p.name).toBeGreaterThan(0);
      expect(after[i]! - before[i]!, p.name).toBe(inNamespace);
    }
  });
});
