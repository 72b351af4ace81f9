// The dashboard in a real Chromium (issue 13), against the real controller,
// control plane and Git server: what a person sees while they push, break a
// commit, tag releases, and lose the connection, with the page never
// reloaded. Screenshots of every page go to test-artifacts/dashboard/.
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { launchChromium } from "../support/browser.js";
import { startController, type RunningController } from "../support/controller.js";
import { serverUrl } from "../support/api.js";
import { createRepoWithClone } from "../support/git.js";
import { clients, eventually } from "../support/kube.js";
import { startCutProxy, type CutProxy } from "./cut-proxy.js";
import { appFile, deadlineSeconds, shopFiles } from "./shop.js";

const platform = `dash-${randomBytes(3).toString("hex")}`;
const namespace = platform;
const apiToken = randomBytes(16).toString("hex");
const artifacts = path.resolve(import.meta.dirname, "../../test-artifacts/dashboard");
const hostile = "<img src=x onerror=window.__xss=1>";
const wait = { timeout: 60_000 };

let work: WorkingCopy;
let controller: RunningController;
let base: string;
let browser: Browser;
let page: Page;
const requests: Request[] = [];
const pageErrors: string[] = [];
const failedResponses: string[] = [];

const shot = (name: string, p: Page = page) =>
  p.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

const mainRow = () =>
  page.locator(`section[data-platform="${platform}"] tr[data-ref="branch/main"]`);

/** Navigates inside the page (the #fragment): no reload. */
async function go(hash: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
}

async function pushApp(options: Parameters<typeof appFile>[0], message: string): Promise<string> {
  return work.commitAndPush({ "apps/store/app.yaml": appFile(options) }, message);
}

async function tag(name: string): Promise<string> {
  await work.tag(name);
  await work.git("push", "--quiet", "origin", name);
  return work.git("rev-parse", "HEAD");
}

describe("the dashboard", { timeout: 180_000 }, () => {
  beforeAll(async () => {
    await mkdir(artifacts, { recursive: true });
    const created = await createRepoWithClone("dashboard");
    work = created.work;
    // The first commit's subject is markup: it must show as text.
    await work.commitAndPush(shopFiles(platform, namespace), `first ${hostile}`);
    controller = await startController(created.repo.url, {
      env: { KUBEFOX_GITOPS_API_TOKEN: apiToken },
    });
    base = await serverUrl(controller.logs);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on("request", (r) => requests.push(r));
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("response", (r) => {
      if (r.status() >= 400) failedResponses.push(`${r.status()} ${r.url()}`);
    });
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await controller?.stop();
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await work?.remove();
  });

  it("answers / with index.html under a strict Content-Security-Policy", async () => {
    const res = await page.goto(`${base}/`);
    expect(res?.status()).toBe(200);
    const headers = res!.headers();
    expect(headers["content-security-policy"]).toMatch(/default-src 'self'/);
    expect(headers["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
    expect(headers["content-security-policy"]).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(headers["x-content-type-options"]).toBe("nosniff");
  });

  it("shows no data until the token is entered, then keeps it for the session", async () => {
    await page.getByLabel("API token").waitFor(wait);
    await shot("token");
    const body = await page.locator("body").innerText();
    expect(body).not.toContain(platform);
    expect(await page.locator("table").count()).toBe(0);
    // A wrong token is refused, and still nothing shows.
    await page.getByLabel("API token").fill("wrong");
    await page.getByRole("button", { name: "Show the dashboard" }).click();
    await page.getByText("That token was refused").waitFor(wait);
    expect(await page.locator("body").innerText()).not.toContain(platform);
    await page.getByLabel("API token").fill(apiToken);
    await page.getByRole("button", { name: "Show the dashboard" }).click();
    await page.locator(`section[data-platform="${platform}"]`).waitFor(wait);
    // sessionStorage only; never in the URL.
    expect(await page.evaluate(`sessionStorage.getItem("kubefox-gitops.token")`)).toBe(apiToken);
    expect(await page.evaluate("localStorage.length")).toBe(0);
    expect(requests.some((r) => r.url().includes(apiToken))).toBe(false);
  });

  it("lists the platform with its deployment Ready, the commit's subject as text, and repository health", async () => {
    await mainRow().locator(".badge", { hasText: "Ready" }).waitFor(wait);
    await page
      .locator(`.repo-line[data-system="shop"]`)
      .locator(".badge", { hasText: "Ready" })
      .waitFor(wait);
    await page.getByText(hostile).first().waitFor(wait);
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.evaluate("window.__xss")).toBeUndefined();
    const platformText = await page.locator(`section[data-platform="${platform}"]`).innerText();
    expect(platformText).toContain(`namespace ${namespace}`);
    expect(platformText).toContain("cluster context");
    // Times read as people read them, the exact time in a title.
    const time = page.locator(`section[data-platform="${platform}"] time`).first();
    expect(await time.getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await time.getAttribute("title")).toMatch(/UTC$/);
    await shot("overview");
  });

  it("shows a push of a new image in the row and on the deployment page, without a reload", async () => {
    await page.evaluate("window.__noReload = true");
    const id = await pushApp({ image: "ghcr.io/acme/shop-web:2.0.0" }, "web 2.0.0");
    await mainRow()
      .locator(`code:text("${id.slice(0, 7)}")`)
      .waitFor(wait);
    await mainRow().getByText("web 2.0.0").waitFor(wait);
    await go(`#/platform/${platform}/deployment/shop/branch%2Fmain`);
    const web = page.locator(`tr[data-component="store/web"]`);
    await web.locator(`code:text("${id.slice(0, 7)}")`).waitFor(wait);
    await web.locator(".badge", { hasText: "Ready" }).waitFor(wait);
    expect(await web.locator(".replicas").innerText()).toBe("1/1");
    // A replica more: the component's replicas move on the open page.
    await pushApp({ image: "ghcr.io/acme/shop-web:2.0.0", replicas: 2 }, "two web replicas");
    await web.locator(".replicas", { hasText: "2/2" }).waitFor(wait);
    expect(await page.evaluate("window.__noReload")).toBe(true);
    await shot("deployment");
  });

  it("lists an unmanaged object whose manager's name is markup as text", async () => {
    await clients().core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: "by-hand" }, data: { a: "b" } },
      fieldManager: hostile,
    });
    // The unmanaged inventory is listed again when a deployment renders anew (a new commit), or
    // at the latest a minute later (controller/sync/unmanaged-refresh.ts): a commit, not a wait.
    await work.commitAndPush({ "docs/by-hand.md": "made by hand\n" }, "docs: a note");
    const unmanaged = page.getByRole("table", { name: "unmanaged objects" });
    await unmanaged.getByText(hostile).waitFor(wait);
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.evaluate("window.__xss")).toBeUndefined();
  });

  it("shows a broken commit as Failed with file:line:col, while the last good commit keeps running", async () => {
    const broken = await work.commitAndPush(
      { "apps/store/app.yaml": appFile({ image: "x" }).replace("replicas: 1", "replicas: two") },
      "replicas as a word",
    );
    await page.locator("h1 .badge", { hasText: "Failed" }).waitFor(wait);
    const location = page.locator(".error .location").first();
    await location.waitFor(wait);
    expect(await location.innerText()).toMatch(/^apps\/store\/app\.yaml:\d+:\d+$/);
    // The test Git server's URL names no known host, so the place is text, not a link
    // (links to GitHub, GitLab, Gitea and Bitbucket: dashboard/src/git-links.test.ts).
    expect(await location.evaluate((e) => e.tagName)).toBe("CODE");
    expect(await page.locator(".facts").innerText()).toContain(broken.slice(0, 7));
    await shot("deployment-failed");
    await go("#/");
    await mainRow().locator(".badge", { hasText: "Failed" }).waitFor(wait);
    await mainRow().locator(".error .location").waitFor(wait);
    await pushApp({ image: "ghcr.io/acme/shop-web:2.0.0", replicas: 2 }, "fix replicas");
    await mainRow().locator(".badge", { hasText: "Ready" }).waitFor(wait);
  });

  it("follows a release: pending, cut over, history, and a version past its deadline", async () => {
    const v1 = await tag("v1.0.0");
    await go(`#/platform/${platform}/release/shop/prod`);
    const active = page.locator(".active-version");
    await active.locator(`dl code[title="${v1}"]`).waitFor(wait);

    // A version that can never be scheduled: pending, its deadline counting down...
    await pushApp({ image: "ghcr.io/acme/shop-web:3.0.0", cpu: "64" }, "web 3.0.0, too big");
    const v2 = await tag("v1.1.0");
    const pending = page.locator(".pending-version");
    await pending.locator(`dl code[title="${v2}"]`).waitFor(wait);
    await pending.locator(".deadline time").waitFor(wait);
    expect(await pending.locator(".deadline").innerText()).toMatch(/left|passed/);
    await shot("release-pending");
    // ...then archived PendingDeadlineExceeded while v1 keeps serving.
    const timeline = page.locator("ol.timeline");
    await timeline
      .locator(`li[data-reason="PendingDeadlineExceeded"]`, { hasText: v2.slice(0, 7) })
      .waitFor({ timeout: 60_000 + deadlineSeconds * 1000 });
    expect(await active.innerText()).toContain(v1.slice(0, 7));

    // A good version: seen pending, then cut over, and v1 goes to the history as Superseded.
    await page.evaluate(`
      window.__sawPending = [];
      new MutationObserver(() => {
        const text = document.querySelector(".pending-version")?.textContent;
        if (text) window.__sawPending.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    `);
    await pushApp({ image: "ghcr.io/acme/shop-web:3.0.1" }, "web 3.0.1");
    const v3 = await tag("v1.2.0");
    await active.locator(`dl code[title="${v3}"]`).waitFor(wait);
    await timeline
      .locator(`li[data-reason="Superseded"]`, { hasText: v1.slice(0, 7) })
      .waitFor(wait);
    const sawPending = (await page.evaluate("window.__sawPending")) as string[];
    expect(sawPending.some((t) => t.includes(v3.slice(0, 7)))).toBe(true);
    await shot("release");
  });

  it("shows the pods of each component on the topology page", async () => {
    await go(`#/platform/${platform}/topology`);
    // One pod of the deployment and one of the release's active version, once the old
    // version's pods are gone.
    const pods = await eventually(
      async () => {
        const list = await clients().core.listNamespacedPod({
          namespace,
          labelSelector: "kubefox.io/component=web",
        });
        const live = list.items.filter(
          (p) =>
            !p.metadata?.deletionTimestamp &&
            p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
        );
        const release = live.filter((p) => p.metadata?.labels?.["kubefox.io/environment"]);
        return live.length === list.items.length && release.length === 1 && live.length === 2
          ? live.map((p) => p.metadata!.name!)
          : undefined;
      },
      { what: "one pod of the deployment and one of the release", timeoutMs: 60_000 },
    );
    for (const name of pods) await page.locator(".topo-kind-pod", { hasText: name }).waitFor(wait);
    await shot("topology");
  });

  it("shows the repository's branches and tags and where each runs", async () => {
    await go("#/system/shop");
    const branches = page.getByRole("table", { name: "branches" });
    await branches
      .locator(`tr[data-ref="branch/main"]`)
      .getByText(`deployment branch/main`)
      .waitFor(wait);
    const tags = page.getByRole("table", { name: "tags" });
    await tags
      .locator(`tr[data-ref="tag/v1.2.0"]`)
      .getByText("release prod (tag/v*)")
      .waitFor(wait);
    await shot("repository");
  });

  it("works at a phone's width", async () => {
    await go("#/");
    await page
      .locator(`section[data-platform="${platform}"] tr[data-environment="prod"]`)
      .waitFor(wait);
    await shot("overview-later");
    await page.setViewportSize({ width: 375, height: 800 });
    await mainRow().waitFor(wait);
    // Nothing but the tables (which scroll in their own box) is wider than the screen.
    const overflow = (await page.evaluate("document.documentElement.scrollWidth")) as number;
    expect(overflow).toBeLessThanOrEqual(375);
    await shot("overview-375");
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("moves through pages with the keyboard, focus visible", async () => {
    await go("#/");
    await page.locator("body").click({ position: { x: 1, y: 1 } });
    let reached = false;
    for (let i = 0; i < 15 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = (await page.evaluate(
        `document.activeElement?.textContent?.trim() === "branch/main"`,
      )) as boolean;
    }
    expect(reached).toBe(true);
    const outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle");
    expect(outline).toBe("solid");
    await page.keyboard.press("Enter");
    await page.locator("h1", { hasText: "Deployment" }).waitFor(wait);
  });

  it("catches up after the events stream is cut, with Last-Event-ID", async () => {
    const url = new URL(base);
    const proxy: CutProxy = await startCutProxy({ host: url.hostname, port: Number(url.port) });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const other = await context.newPage();
    const replays: string[] = [];
    other.on("response", (r) => {
      if (r.url().endsWith("/api/kubefox/v0/events"))
        replays.push(r.headers()["x-kubefox-replay"] ?? "first");
    });
    try {
      await other.goto(`${proxy.url}/`);
      await other.getByLabel("API token").fill(apiToken);
      await other.getByRole("button", { name: "Show the dashboard" }).click();
      const row = other.locator(`section[data-platform="${platform}"] tr[data-ref="branch/main"]`);
      await row.locator(".badge", { hasText: "Ready" }).waitFor(wait);
      await other.locator(".live-live").waitFor(wait);
      proxy.cut();
      await other.locator(".live-reconnecting").waitFor(wait);
      const id = await pushApp(
        { image: "ghcr.io/acme/shop-web:4.0.0", replicas: 2 },
        "web 4.0.0 while cut",
      );
      // Let the controller sync it while the page cannot hear.
      await eventually(
        async () => {
          const d = await clients().apps.readNamespacedDeployment({
            name: "shop-branch-main-store-web",
            namespace,
          });
          return d.spec?.template.spec?.containers[0]?.image?.endsWith(":4.0.0") ? true : undefined;
        },
        { what: "image 4.0.0 applied" },
      );
      proxy.restore();
      await row.locator(`code:text("${id.slice(0, 7)}")`).waitFor(wait);
      await other.locator(".live-live").waitFor(wait);
      // The reconnect was answered with a replay (a count), not a reset.
      expect(replays.length).toBeGreaterThanOrEqual(2);
      expect(replays.at(-1)).toMatch(/^\d+$/);
    } finally {
      await context.close();
      await proxy.close();
    }
  });

  it("never asks another host for anything, and logs no error", () => {
    const origin = new URL(base).origin;
    const elsewhere = requests
      .map((r) => r.url())
      .filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith("data:"));
    expect(elsewhere).toEqual([]);
    expect(requests.length).toBeGreaterThan(5);
    // 401s of the wrong token are expected console errors of the browser; nothing else.
    // Expected: the wrong token's 401, and 422 for the subject of the broken commit (its tree
    // does not load, so the page shows its short id alone).
    expect(
      failedResponses.filter(
        (e) => !e.startsWith("401 ") && !/^422 .*\/system\/[^/]+\/id\//.test(e),
      ),
    ).toEqual([]);
    expect(pageErrors.filter((e) => !/status of (401|422)/.test(e))).toEqual([]);
  });
});
