// A webhook flood (issue 8, failure tests): about 1,000 generic webhooks in a
// few seconds over loopback, signed and forged mixed (no signature, a wrong
// one, one made with another secret, a right one over a changed body, and
// forged bodies of 256 KiB), with polling off so that only webhooks make the
// controller fetch. Every forged one gets 401, the signed ones 202; they cause
// at most two syncs, the push they announce is deployed, and the controller's
// resident memory stays flat.
import { createHmac, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { request, serverUrl } from "../support/api.js";
import {
  deploymentStatus,
  startController,
  type RunningController,
} from "../support/controller.js";
import { Cleanup, healthy, logRecords, mapLimited, metric } from "../support/failure-helpers.js";
import { createRepoWithClone } from "../support/git.js";
import { clients, eventually } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";

const namespace = `flood-${randomBytes(3).toString("hex")}`;
const secret = randomBytes(32).toString("hex");
const cleanup = new Cleanup();
const requests = 1000;
const concurrency = 32;

let work: WorkingCopy;
let repoUrl: string;
let controller: RunningController;
let base: string;

const sign = (key: string, body: string) =>
  `sha256=${createHmac("sha256", key).update(body).digest("hex")}`;

interface Shot {
  forged: boolean;
  headers: Record<string, string>;
  body: string;
}

/** The i-th request of the flood: one in two is forged, in five different ways. */
function shot(i: number): Shot {
  const body = JSON.stringify({ repository: repoUrl, ref: "refs/heads/main", n: i });
  const json = { "content-type": "application/json" };
  if (i % 2 === 0)
    return { forged: false, headers: { ...json, "x-signature": sign(secret, body) }, body };
  switch ((i >> 1) % 5) {
    case 0:
      return { forged: true, headers: json, body };
    case 1:
      return {
        forged: true,
        headers: { ...json, "x-signature": `sha256=${"0".repeat(64)}` },
        body,
      };
    case 2:
      return {
        forged: true,
        headers: { ...json, "x-signature": sign("not-the-secret", body) },
        body,
      };
    case 3:
      return {
        forged: true,
        headers: { ...json, "x-signature": sign(secret, body) },
        body: body.replace('"n":', '"n":1'),
      };
    default: {
      // A signature header, so the server must read the whole body to check it.
      const big = JSON.stringify({ repository: repoUrl, pad: "x".repeat(256 * 1024) });
      return { forged: true, headers: { ...json, "x-signature": sign("guess", big) }, body: big };
    }
  }
}

async function rss(): Promise<number> {
  return metric(base, "process_resident_memory_bytes");
}

/** Repository syncs a webhook started: their "sync finished" lines carry reason "webhook ...". */
function webhookSyncs(): number {
  return logRecords(controller.logs()).filter(
    (r) =>
      r.msg.startsWith("sync finished") &&
      typeof r.reason === "string" &&
      r.reason.startsWith("webhook"),
  ).length;
}

async function image(): Promise<string | undefined> {
  const d = await clients()
    .apps.readNamespacedDeployment({ name: "shop-branch-main-store-web", namespace })
    .catch(() => undefined);
  return d?.spec?.template.spec?.containers[0]?.image;
}

describe("a webhook flood", () => {
  beforeAll(async () => {
    const created = await createRepoWithClone("flood");
    work = created.work;
    repoUrl = created.repo.url;
    cleanup.add(() => work.remove());
    await work.commitAndPush(
      { ...systemFiles({ replicas: 1 }), ...platformFile("p", namespace, ["branch/main"]) },
      "first",
    );
    const dir = await mkdtemp(path.join(tmpdir(), "kubefox-flood-"));
    cleanup.add(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, "secret"), `${secret}\n`, { mode: 0o600 });
    controller = await startController(repoUrl, {
      // Once a year: only the start and webhooks make it fetch.
      args: ["--poll", "0 0 1 1 *", "--webhook-secret-file", path.join(dir, "secret")],
    });
    cleanup.add(() => clients().core.deleteNamespace({ name: namespace }));
    cleanup.add(() => rm(controller.stateDir, { recursive: true, force: true }));
    cleanup.add(() => controller.stop());
    base = await serverUrl(controller.logs);
    await deploymentStatus(namespace, "branch/main", (d) => d.state === "Ready", "Ready");
  });

  afterAll(() => cleanup.run());

  it("refuses every forged request, syncs at most twice, deploys the push, and keeps memory flat", async () => {
    // Warm up the paths the flood takes (JIT, buffers), then measure from there.
    await mapLimited(
      Array.from({ length: 50 }, (_, i) => shot(2 * i + 1)),
      8,
      (s) =>
        request(`${base}/webhooks/generic`, { method: "POST", headers: s.headers, body: s.body }),
    );
    await new Promise((r) => setTimeout(r, 500));
    const rssBefore = await rss();
    // Forged requests alone trigger nothing.
    const syncsBefore = webhookSyncs();
    expect(syncsBefore).toBe(0);

    const tag = "ghcr.io/acme/shop-web:flood";
    const id = await work.commitAndPush(systemFiles({ image: tag, replicas: 1 }), "the push");
    const shots = Array.from({ length: requests }, (_, i) => shot(i));
    const started = Date.now();
    const statuses = await mapLimited(shots, concurrency, async (s) => {
      const reply = await request(`${base}/webhooks/generic`, {
        method: "POST",
        headers: s.headers,
        body: s.body,
      });
      return reply.status;
    });
    const floodMs = Date.now() - started;

    const forged = shots.map((s, i) => ({ s, status: statuses[i] })).filter((x) => x.s.forged);
    const signed = shots.map((s, i) => ({ s, status: statuses[i] })).filter((x) => !x.s.forged);
    expect(forged.length).toBe(requests / 2);
    expect(forged.filter((x) => x.status !== 401)).toEqual([]);
    expect(signed.every((x) => x.status === 202)).toBe(true);
    expect(floodMs, "the flood took a few seconds").toBeLessThan(20_000);

    // The push goes out, and once things are quiet: one or two syncs for the whole flood.
    await eventually(async () => ((await image()) === tag ? true : undefined), { what: tag });
    await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.state === "Ready" && d.appliedId === id,
      "Ready at the pushed commit",
    );
    await new Promise((r) => setTimeout(r, 1500));
    const syncs = webhookSyncs() - syncsBefore;
    expect(syncs).toBeGreaterThanOrEqual(1);
    expect(syncs).toBeLessThanOrEqual(2);
    expect(
      await metric(base, "kubefox_gitops_webhook_requests_total", {
        provider: "generic",
        result: "unauthorized",
      }),
    ).toBe(requests / 2 + 50);
    expect(
      await metric(base, "kubefox_gitops_webhook_requests_total", {
        provider: "generic",
        result: "accepted",
      }),
    ).toBe(requests / 2);

    // Memory: flat within a generous bound, and the process still serves.
    const rssAfter = await rss();
    console.log(
      `webhook flood: ${requests} requests in ${floodMs} ms, ${syncs} syncs, RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(rssAfter - rssBefore).toBeLessThan(64 * 2 ** 20);
    expect(await healthy(base)).toBe(true);
    expect(controller.process.exitCode).toBeNull();
  });
});
