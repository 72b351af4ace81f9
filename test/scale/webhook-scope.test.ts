// What a webhook reconciles (issue 17). The real controller, polling off, follows
// three platforms of one repository on the real Git server: `pa` deploys
// branch/a, `pb` branch/b, `pc` a branch that does not exist (so it fails). A
// webhook makes the controller fetch; the platforms whose inputs moved
// reconcile, and the others do not: a push to branch a reconciles pa (and pc,
// which failed last time and is tried again), never pb; a webhook with nothing
// new reconciles nothing but pc; a commit to the control branch is an input of
// every platform, so all of them reconcile, with nothing rendered again. What is
// asserted is what a user sees on /metrics:
// `kubefox_gitops_reconcile_duration_seconds_count{platform}`.
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
import { Cleanup, metric } from "../support/failure-helpers.js";
import { createRepoWithClone } from "../support/git.js";
import { clients, eventually } from "../support/kube.js";
import { platformFile, systemFiles } from "../support/systems.js";

const suffix = randomBytes(3).toString("hex");
const namespaceOf = (p: string) => `scope-${p}-${suffix}`;
const secret = randomBytes(32).toString("hex");
const cleanup = new Cleanup();

let work: WorkingCopy;
let repoUrl: string;
let controller: RunningController;
let api: string;
const head: Record<string, string> = {};

const controlFiles = () => ({
  ...systemFiles(),
  ...platformFile("pa", namespaceOf("a"), ["branch/a"]),
  ...platformFile("pb", namespaceOf("b"), ["branch/b"]),
  ...platformFile("pc", namespaceOf("c"), ["branch/nowhere"]),
});

async function pushTo(branch: string, files: Record<string, string>, message: string) {
  if ((await work.git("branch", "--show-current")) !== branch)
    await work.git("checkout", "--quiet", branch);
  head[branch] = await work.commitAndPush(files, message);
}

async function webhook(branch: string): Promise<void> {
  const body = JSON.stringify({ repository: repoUrl, ref: `refs/heads/${branch}` });
  const signature = createHmac("sha256", secret).update(body).digest("hex");
  const reply = await request(`${api}/webhooks/generic`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-signature": `sha256=${signature}` },
    body,
  });
  expect(reply.status).toBe(202);
}

const reconciles = (platform: string) =>
  metric(api, "kubefox_gitops_reconcile_duration_seconds_count", { platform });
const counts = async () => ({
  pa: await reconciles("pa"),
  pb: await reconciles("pb"),
  pc: await reconciles("pc"),
});
const fetches = () => metric(api, "kubefox_gitops_syncs_total", { fetch: "true" });

/**
 * The counts once no platform reconciled for 1.5 s: pods starting and becoming ready wake
 * a platform's reconcile through the watch (drift and health are triggers of their own).
 */
async function settledCounts(): Promise<Awaited<ReturnType<typeof counts>>> {
  let last = JSON.stringify(await counts());
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 1500));
    const now = await counts();
    if (JSON.stringify(now) === last) return now;
    last = JSON.stringify(now);
  }
  throw new Error(`the platforms kept reconciling: ${last}`);
}

/** Sends a webhook for `branch` and waits for its fetch and the reconciles it caused to end. */
async function webhookAndSettle(branch: string): Promise<void> {
  const before = await fetches();
  await webhook(branch);
  await eventually(async () => ((await fetches()) > before ? true : undefined), {
    what: "the webhook's fetch",
  });
  await new Promise((r) => setTimeout(r, 1000));
}

const applied = (platform: string, branch: string) =>
  deploymentStatus(
    namespaceOf(platform),
    `branch/${branch}`,
    (d) => d.appliedId === head[branch] && d.state === "Ready",
    `${branch} applied and Ready`,
  );

describe("what a webhook reconciles", () => {
  beforeAll(async () => {
    const created = await createRepoWithClone("scope");
    work = created.work;
    repoUrl = created.repo.url;
    await pushTo("main", controlFiles(), "control and system");
    for (const branch of ["a", "b"]) {
      await work.git("checkout", "--quiet", "-b", branch, "main");
      await work.git("push", "--quiet", "origin", branch);
      head[branch] = head["main"]!;
    }
    const dir = await mkdtemp(path.join(tmpdir(), "scope-"));
    cleanup.add(() => rm(dir, { recursive: true, force: true }));
    await writeFile(path.join(dir, "secret"), secret);
    controller = await startController(repoUrl, {
      // Once a year: only the start and webhooks make it fetch.
      args: ["--poll", "0 0 1 1 *", "--webhook-secret-file", path.join(dir, "secret")],
    });
    cleanup.add(() => rm(controller.stateDir, { recursive: true, force: true }));
    for (const p of ["a", "b", "c"])
      cleanup.add(() => clients().core.deleteNamespace({ name: namespaceOf(p) }));
    api = await serverUrl(controller.logs);
    await applied("a", "a");
    await applied("b", "b");
    await deploymentStatus(
      namespaceOf("c"),
      "branch/nowhere",
      (d) => d.state === "Failed",
      "pc failed",
    );
  });

  afterAll(async () => {
    await controller?.stop();
    await cleanup.run();
    await work?.remove();
  });

  it("a push reconciles the platforms that read the pushed ref, and those that failed", async () => {
    const before = await settledCounts();
    await pushTo("a", systemFiles({ image: "ghcr.io/acme/shop-web:1.1.0" }), "a 1.1.0");
    await webhookAndSettle("a");
    await applied("a", "a");
    const after = await counts();
    expect(after.pa).toBeGreaterThan(before.pa);
    expect(after.pb).toBe(before.pb);
    expect(after.pc).toBeGreaterThan(before.pc);
  });

  it("a webhook with nothing new reconciles only what failed", async () => {
    const before = await settledCounts();
    await webhookAndSettle("b");
    const after = await counts();
    expect([after.pa, after.pb]).toEqual([before.pa, before.pb]);
    expect(after.pc).toBeGreaterThan(before.pc);
  });

  it("a commit to the control branch reconciles every platform, rendering nothing again", async () => {
    const before = await settledCounts();
    const renders = await metric(api, "kubefox_gitops_render_total");
    await pushTo("main", { ...controlFiles(), "NOTES.md": "nothing a platform reads\n" }, "notes");
    await webhookAndSettle("main");
    const after = await counts();
    expect(after.pa).toBeGreaterThan(before.pa);
    expect(after.pb).toBeGreaterThan(before.pb);
    expect(await metric(api, "kubefox_gitops_render_total")).toBe(renders);
  });
});
