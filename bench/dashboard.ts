// The dashboard's figures (issue 13), in a real Chromium against the real
// controller on a local control plane, each beside a baseline of the same run:
// 1. first render at 500 components: from navigation to every row shown, for
//    the overview and for the deployment page (500 component rows);
// 2. push to visible: `git push` and a signed webhook of a new image for a
//    10-component system, until the open deployment page shows the new commit
//    on every component, beside push to cluster (a watch sees the new image on
//    every Deployment) for the same pushes;
// 3. the controller's peak RSS with 5 dashboards open on 500 components through
//    a push that rolls all of them, beside the same run with none open.
import { createHmac, randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import type { Browser, Page } from "playwright-core";
import { startCluster, type Cluster } from "../hack/cluster/cluster.js";
import { startGitServer, type GitServer } from "../hack/git/server.js";
import { WorkingCopy } from "../hack/git/working-copy.js";
import { ensureDashboard } from "../dashboard/build.js";
import { launchChromium } from "../test/support/browser.js";
import { peakRssMb, runController, stats, watchImages, type Stats } from "./cluster.js";
import { platformFiles, systemFiles } from "./systems.js";

export interface DashboardBenchResult {
  firstRender: { components: number; overview: Stats; deploymentPage: Stats; targetMs: number };
  push: { components: number; toPage: Stats; toCluster: Stats };
  memory: {
    components: number;
    dashboards: number;
    noneMb: number;
    withMb: number;
    targetMb: number;
  };
}

const deploymentHash = "#/platform/bench/deployment/bench/branch%2Fmain";

export async function dashboardBench(
  workDir: string,
  options = { pushes: 10, dashboards: 5, components: 500 },
): Promise<DashboardBenchResult> {
  await ensureDashboard();
  await mkdir(workDir, { recursive: true });
  const cluster = await startCluster({
    name: `bench-dash-${process.pid}`,
    nodes: 2,
    owner: process.pid,
    log: () => undefined,
  });
  const server = await startGitServer({ root: path.join(workDir, "served") });
  const browser = await launchChromium();
  try {
    const push = await pushToPage(cluster, server, browser, workDir, options.pushes);
    // Printed now too: the 500-component runs that follow take minutes.
    console.log(
      `dashboard: push to visible median ${Math.round(push.toPage.medianMs)} ms, p95 ${Math.round(push.toPage.p95Ms)} ms; push to cluster median ${Math.round(push.toCluster.medianMs)} ms, p95 ${Math.round(push.toCluster.p95Ms)} ms`,
    );
    const none = await memoryRun(cluster, server, browser, workDir, options.components, 0);
    const open = await memoryRun(
      cluster,
      server,
      browser,
      workDir,
      options.components,
      options.dashboards,
    );
    return {
      firstRender: {
        components: options.components,
        overview: stats(open.overviewMs),
        deploymentPage: stats(open.deploymentMs),
        targetMs: 1000,
      },
      push,
      memory: {
        components: options.components,
        dashboards: options.dashboards,
        noneMb: none.peakMb,
        withMb: open.peakMb,
        targetMb: 15,
      },
    };
  } finally {
    await browser.close();
    await server.close();
    await cluster.stop();
  }
}

async function webhookSecret(workDir: string): Promise<{ secret: string; file: string }> {
  const secret = randomBytes(16).toString("hex");
  const file = path.join(workDir, `webhook-secret-${randomBytes(3).toString("hex")}`);
  await writeFile(file, secret);
  return { secret, file };
}

async function sendWebhook(api: string, url: string, secret: string): Promise<void> {
  const body = JSON.stringify({ repository: url, ref: "refs/heads/main" });
  const signature = createHmac("sha256", secret).update(body).digest("hex");
  await fetch(`${api}/webhooks/generic`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-signature": `sha256=${signature}` },
    body,
  });
}

/** The page's document, typed for the few reads the checks make (bench/ has no DOM types). */
interface PageDocument {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
}

/**
 * Polls `check` in the page every 10 ms until it holds. Not page.waitForFunction:
 * the dashboard's CSP forbids eval, which Playwright's in-page polling uses.
 */
async function until<A>(
  page: Page,
  check: (arg: A) => boolean,
  arg: A,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(check as (arg: unknown) => boolean, arg as unknown))) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every component row of the deployment page shows `short` as the commit it runs. */
function everyRowAt(page: Page, short: string, rows: number, timeoutMs: number) {
  return until(
    page,
    ([short, rows]) => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      const cells = Array.from(doc.querySelectorAll("tr[data-component] td:nth-child(4) code"));
      return cells.length === rows && cells.every((c) => c.textContent === short);
    },
    [short, rows] as const,
    timeoutMs,
    `commit ${short} on ${rows} component rows`,
  );
}

// --- 2. push to visible ----------------------------------------------------------

async function pushToPage(
  cluster: Cluster,
  server: GitServer,
  browser: Browser,
  workDir: string,
  pushes: number,
): Promise<DashboardBenchResult["push"]> {
  const components = 10;
  const { secret, file } = await webhookSecret(workDir);
  const namespace = `dash-push-${randomBytes(3).toString("hex")}`;
  const url = await server.createRepo("dash-push");
  const work = await WorkingCopy.clone(url);
  const first = await work.commitAndPush(
    { ...systemFiles(components, "bench:0"), ...platformFiles(namespace) },
    "start",
  );
  const run = await runController(cluster, workDir, url, [
    "--webhook-secret-file",
    file,
    "--poll",
    "0 0 1 1 *",
  ]);
  const api = await run.url;
  const watcher = await watchImages(cluster, namespace);
  await watcher.until((images) => images.size === components, 60_000);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${api}/${deploymentHash}`);
  await everyRowAt(page, first.slice(0, 7), components, 60_000);
  const toPage: number[] = [];
  const toCluster: number[] = [];
  for (let i = 1; i <= pushes; i++) {
    await work.write(systemFiles(components, `bench:${i}`));
    const id = await work.commit(`image ${i}`);
    const started = performance.now();
    await work.push();
    await sendWebhook(api, url, secret);
    await Promise.all([
      watcher
        .until((images) => [...images.values()].every((img) => img === `bench:${i}`), 30_000)
        .then(() => toCluster.push(performance.now() - started)),
      everyRowAt(page, id.slice(0, 7), components, 30_000).then(() =>
        toPage.push(performance.now() - started),
      ),
    ]);
  }
  await page.close();
  watcher.stop();
  await run.stop();
  return { components, toPage: stats(toPage), toCluster: stats(toCluster) };
}

// --- 1 and 3. first render and memory at 500 components ------------------------------

async function memoryRun(
  cluster: Cluster,
  server: GitServer,
  browser: Browser,
  workDir: string,
  components: number,
  dashboards: number,
): Promise<{ peakMb: number; overviewMs: number[]; deploymentMs: number[] }> {
  const { secret, file } = await webhookSecret(workDir);
  const namespace = `dash-mem-${dashboards}-${randomBytes(3).toString("hex")}`;
  const url = await server.createRepo(`dash-mem-${dashboards}`);
  const work = await WorkingCopy.clone(url);
  await work.commitAndPush(
    { ...systemFiles(components, "bench:0"), ...platformFiles(namespace) },
    "start",
  );
  const run = await runController(cluster, workDir, url, [
    "--webhook-secret-file",
    file,
    "--poll",
    "0 0 1 1 *",
  ]);
  const api = await run.url;
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const watcher = await watchImages(cluster, namespace);
  await watcher.until((images) => images.size === components, 300_000);
  // Applied and its status stored, then a moment for the pods to settle.
  for (let i = 0; i < 600; i++) {
    const cm = await core
      .readNamespacedConfigMap({ name: "kubefox-gitops-status", namespace })
      .catch(() => undefined);
    if (cm?.data?.["status.json"]?.includes('"appliedId": "')) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, 10_000));

  const pages: Page[] = [];
  const overviewMs: number[] = [];
  const deploymentMs: number[] = [];
  for (let d = 0; d < dashboards; d++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    pages.push(page);
    let started = performance.now();
    await page.goto(`${api}/`);
    await until(
      page,
      (all) => {
        const doc = (globalThis as unknown as { document: PageDocument }).document;
        const row = doc.querySelector('tr[data-ref="branch/main"]')?.textContent ?? "";
        return new RegExp(`\\d+/${all}`).test(row);
      },
      components,
      120_000,
      "the overview's row of branch/main with its components counted",
    );
    overviewMs.push(performance.now() - started);
    started = performance.now();
    await page.goto(`${api}/${deploymentHash}`);
    await until(
      page,
      (rows) => {
        const doc = (globalThis as unknown as { document: PageDocument }).document;
        return doc.querySelectorAll("tr[data-component]").length === rows;
      },
      components,
      120_000,
      "every component row of the deployment page",
    );
    deploymentMs.push(performance.now() - started);
  }

  // A push that rolls every component, with the dashboards (if any) following it.
  await work.write(systemFiles(components, "bench:1"));
  const id = await work.commit("image 1");
  await work.push();
  await sendWebhook(api, url, secret);
  await watcher.until((images) => [...images.values()].every((img) => img === "bench:1"), 300_000);
  for (const page of pages) await everyRowAt(page, id.slice(0, 7), components, 300_000);
  await new Promise((r) => setTimeout(r, 10_000));
  const peakMb = await peakRssMb(run.pid);
  for (const page of pages) await page.context().close();
  watcher.stop();
  await run.stop();
  return { peakMb, overviewMs, deploymentMs };
}

export function formatDashboardBench(r: DashboardBenchResult): string {
  const ms = (n: number) => `${Math.round(n)} ms`;
  const s = (x: Stats) => `median ${ms(x.medianMs)}, p95 ${ms(x.p95Ms)} over ${x.runs}`;
  const delta = r.memory.withMb - r.memory.noneMb;
  return [
    "",
    `Dashboard in Chromium (issue 13)`,
    `  first render, ${r.firstRender.components} components: overview ${s(r.firstRender.overview)} loads; deployment page (${r.firstRender.components} rows) ${s(r.firstRender.deploymentPage)}   (target: overview <= ${r.firstRender.targetMs} ms)`,
    `  push to visible    ${s(r.push.toPage)} pushes: webhook to the new commit on every component row of the open page (${r.push.components} components)   (target: p50 <= 500 ms, p95 <= 1 s)`,
    `  baseline           ${s(r.push.toCluster)} pushes: push to cluster, the same pushes, a watch seeing the new image on every Deployment`,
    `  peak RSS           ${r.memory.withMb.toFixed(0)} MB with ${r.memory.dashboards} dashboards open on ${r.memory.components} components through a push that rolls them all; ${r.memory.noneMb.toFixed(0)} MB with none: ${delta >= 0 ? "+" : ""}${delta.toFixed(1)} MB   (target: <= ${r.memory.targetMb} MB above)`,
  ].join("\n");
}
