// The topology graph in a real Chromium (issue 13): a harness page holding
// only <TopologyView> and a generated 500-component topology, bundled with
// esbuild as the dashboard is, served from 127.0.0.1, used as a person would.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";

const root = path.resolve(import.meta.dirname, "../..");
const artifacts = path.join(root, "test-artifacts");
/** A name from the cluster that would run script if it were ever treated as markup. */
const hostile = `<img src=x onerror="window.__xss = 1">`;

const harness = `
import { h, render } from "preact";
import { TopologyView } from "./dashboard/src/topology/index.js";
import { generateTopology } from "./dashboard/src/topology/fixture.js";
const topology = generateTopology(500);
topology.apps[0].components[0].services[0].name = ${JSON.stringify(hostile)};
render(h(TopologyView, { topology, platform: "dev" }), document.getElementById("root"));
`;

const page$ = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>topology</title>
<link rel="stylesheet" href="app.css"></head>
<body style="margin:0"><div id="root" style="height:100vh"></div><script type="module" src="app.js"></script></body></html>`;

let dir: string;
let server: Server;
let url: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "kubefox-topology-"));
  await build({
    stdin: { contents: harness, resolveDir: root, loader: "ts", sourcefile: "harness.ts" },
    bundle: true,
    format: "esm",
    jsx: "automatic",
    jsxImportSource: "preact",
    outdir: dir,
    entryNames: "app",
    logLevel: "error",
  });
  await writeFile(path.join(dir, "index.html"), page$);
  const types: Record<string, string> = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
  };
  server = createServer((req, res) => {
    const name = path.basename(new URL(req.url ?? "/", "http://x").pathname) || "index.html";
    readFile(path.join(dir, name)).then(
      (body) =>
        res
          .writeHead(200, {
            "content-type": types[path.extname(name)] ?? "application/octet-stream",
          })
          .end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url);
  await page.locator(".topo-node").first().waitFor();
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** data-id of every drawn node. */
const drawn = () =>
  page.$$eval(".topo-node", (nodes) => nodes.map((n) => (n as HTMLElement).dataset.id ?? ""));

describe("the topology graph in Chromium, at 500 components", () => {
  it("shows a name holding markup as text", async () => {
    const node = page.locator(".topo-kind-service").first();
    await expect(node.locator(".topo-name").textContent()).resolves.toBe(hostile);
    expect(await page.locator(".topo img").count()).toBe(0);
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss),
    ).toBeUndefined();
  });

  it("draws the pods of each component under its ReplicaSet", async () => {
    // Near the view, nodes are drawn in full: health as words beside the icon, not colour alone.
    const crashing = page.locator('[data-id="pod:app-000-comp-0007-7d9f8-fghij"]');
    await expect(crashing.locator(".topo-health").textContent()).resolves.toContain(
      "Degraded: Running, not ready, 12 restarts",
    );
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, "topology.png") });
    // Fitted, every node of the 500 components is drawn (as a bare box at that scale).
    await page.getByRole("button", { name: "Fit" }).click();
    const ids = await drawn();
    const pods = new Map<string, number>();
    for (const id of ids.filter((i) => i.startsWith("pod:"))) {
      const component = /comp-\d{4}/.exec(id)![0];
      pods.set(component, (pods.get(component) ?? 0) + 1);
    }
    expect(pods.size).toBe(500);
    expect([...pods.values()].every((n) => n === 2)).toBe(true);
    expect(ids.filter((i) => i.startsWith("deployment:"))).toHaveLength(500);
    expect(ids.filter((i) => i.startsWith("replicaset:"))).toHaveLength(500);
    await page.screenshot({ path: path.join(artifacts, "topology-fit.png") });
  });

  it("filters by app", async () => {
    await page.getByLabel("App", { exact: true }).selectOption("app-003");
    const ids = await drawn();
    const components = ids.filter((i) => i.startsWith("component:"));
    expect(components).toHaveLength(10);
    expect(components.every((i) => i.startsWith("component:app-003/"))).toBe(true);
    expect(ids.filter((i) => i.startsWith("app:"))).toEqual(["app:app-003"]);
    expect(ids.filter((i) => i.startsWith("pod:"))).toHaveLength(20);
    await page.getByLabel("App", { exact: true }).selectOption("");
  });

  it("filters by state", async () => {
    await page.getByLabel("State", { exact: true }).selectOption("Degraded");
    const components = page.locator(".topo-kind-component");
    const states = await components.locator(".topo-health-text").allTextContents();
    expect(states.length).toBeGreaterThan(0);
    expect(states.every((s) => s.startsWith("Degraded"))).toBe(true);
    await page.screenshot({ path: path.join(artifacts, "topology-degraded.png") });
    await page.getByRole("button", { name: "Fit" }).click();
    expect(await components.count()).toBe(25);
    expect(await page.locator(".topo-kind-component.topo-state-degraded").count()).toBe(25);
    await page.getByLabel("State", { exact: true }).selectOption("");
  });

  it("finds a node by name, focuses it and brings it into view; Enter steps to the next match", async () => {
    const searchBox = page.getByRole("searchbox");
    await searchBox.fill("comp-0423-7d9f8-");
    await searchBox.press("Enter");
    const focused = () =>
      page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.id);
    await expect.poll(focused).toBe("pod:app-042-comp-0423-7d9f8-abcde");
    await expect(page.locator(".topo-hits").textContent()).resolves.toBe("1 of 2");
    const box = (await page
      .locator('[data-id="pod:app-042-comp-0423-7d9f8-abcde"]')
      .boundingBox())!;
    const view = (await page.locator(".topo-viewport").boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(view.x);
    expect(box.y).toBeGreaterThanOrEqual(view.y);
    expect(box.x + box.width).toBeLessThanOrEqual(view.x + view.width);
    expect(box.y + box.height).toBeLessThanOrEqual(view.y + view.height);
    await page.keyboard.press("Enter");
    await expect.poll(focused).toBe("pod:app-042-comp-0423-7d9f8-fghij");
    await page.screenshot({ path: path.join(artifacts, "topology-search.png") });
  });

  it("finds a pod folded into its ReplicaSet and unfolds it", async () => {
    await page.getByLabel("Fold pods").check();
    expect(await page.locator(".topo-kind-pod").count()).toBe(0);
    const searchBox = page.getByRole("searchbox");
    await searchBox.fill("comp-0311-7d9f8-fghij");
    await searchBox.press("Enter");
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.id))
      .toBe("pod:app-031-comp-0311-7d9f8-fghij");
    expect(await page.locator(".topo-kind-pod").count()).toBe(2);
    await page.getByLabel("Fold pods").uncheck();
    await searchBox.fill("");
  });

  it("zooms with its buttons and fits the graph", async () => {
    const scale = async () =>
      Number(
        /scale\(([\d.e-]+)\)/.exec(
          (await page.locator(".topo-world").getAttribute("style")) ?? "",
        )?.[1],
      );
    const before = await scale();
    await page.getByRole("button", { name: "Zoom in" }).click();
    expect(await scale()).toBeCloseTo(before * 1.25, 5);
    await page.getByRole("button", { name: "Zoom out" }).click();
    await page.getByRole("button", { name: "Zoom out" }).click();
    expect(await scale()).toBeCloseTo(before / 1.25, 5);
    // The wheel zooms about the pointer.
    const view = (await page.locator(".topo-viewport").boundingBox())!;
    await page.mouse.move(view.x + view.width / 2, view.y + view.height / 2);
    const beforeWheel = await scale();
    await page.mouse.wheel(0, -200);
    await expect.poll(scale).toBeGreaterThan(beforeWheel);
    await page.getByRole("button", { name: "Fit" }).click();
    expect(await scale()).toBeLessThan(0.05);
    // Arrow keys pan.
    await page.locator(".topo-viewport").focus();
    const before$ = await page.locator(".topo-world").getAttribute("style");
    await page.keyboard.press("ArrowLeft");
    expect(await page.locator(".topo-world").getAttribute("style")).not.toBe(before$);
  });

  it("meets WCAG AA contrast in light and dark", async () => {
    const names = ["bg", "node-bg", "fg", "muted", "border", "edge", "focus", "match"];
    const stateNames = ["ready", "pending", "progressing", "degraded", "failed"];
    const seen: string[] = [];
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      const colour = await page.evaluate(
        (all) => {
          const style = getComputedStyle(document.querySelector(".topo")!);
          return Object.fromEntries(
            all.map((n) => [n, style.getPropertyValue(`--topo-${n}`).trim()]),
          );
        },
        [...names, ...stateNames],
      );
      seen.push(colour.bg!);
      for (const bg of ["bg", "node-bg"]) {
        // Text: names, health words, details, match marks.
        for (const fg of ["fg", "muted", "match", ...stateNames])
          expect(
            contrast(colour[fg]!, colour[bg]!),
            `${colorScheme} ${fg} on ${bg}`,
          ).toBeGreaterThanOrEqual(4.5);
        // Lines and outlines (non-text): 3:1.
        for (const line of ["border", "edge", "focus"])
          expect(
            contrast(colour[line]!, colour[bg]!),
            `${colorScheme} ${line} on ${bg}`,
          ).toBeGreaterThanOrEqual(3);
      }
    }
    expect(seen[0]).not.toBe(seen[1]);
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: path.join(artifacts, "topology-dark.png") });
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("fits a phone's width", async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.getByLabel("App", { exact: true }).selectOption("app-000");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375);
    await page.screenshot({ path: path.join(artifacts, "topology-phone.png") });
  });

  it("reaches nodes with Tab, with a visible focus ring", async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator(".topo-viewport").focus();
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return {
        id: el.dataset.id,
        outline: style.outlineStyle,
        width: parseFloat(style.outlineWidth),
      };
    });
    expect(focus.id).toBe("system");
    expect(focus.outline).toBe("solid");
    expect(focus.width).toBeGreaterThanOrEqual(2);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.id)).toBe(
      "app:app-000",
    );
  });
});

/** WCAG 2 contrast ratio of two `#rrggbb` colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
