// The dashboard's build (issue 13): content-hashed assets, an index.html with
// no inline script, and every asset together within the size budget.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { buildDashboard, dashboardStale } from "./build.js";

/** All assets together, gzipped, at most this (issue 13). */
const budget = 250 * 1024;

describe("the dashboard build", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "kubefox-dashboard-"));
  const out = path.join(dir, "dashboard");
  const built = await buildDashboard(out);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("writes one script and one stylesheet with content-hashed names", async () => {
    const files = await readdir(path.join(out, "assets"));
    expect(files.sort()).toEqual([...built.assets].sort());
    expect(files.filter((f) => /^main-[A-Z0-9]{8}\.js$/.test(f))).toHaveLength(1);
    expect(files.filter((f) => /^main-[A-Z0-9]{8}\.css$/.test(f))).toHaveLength(1);
  });

  it("stays within 250 KB gzipped, every asset and index.html together", async () => {
    let total = gzipSync(await readFile(path.join(out, "index.html"))).length;
    for (const f of built.assets)
      total += gzipSync(await readFile(path.join(out, "assets", f)), { level: 9 }).length;
    console.log(`dashboard assets: ${(total / 1024).toFixed(1)} KB gzipped (budget 250 KB)`);
    expect(total).toBeLessThanOrEqual(budget);
  });

  it("names its assets from index.html, with no inline script or style and nothing from another host", async () => {
    const html = await readFile(path.join(out, "index.html"), "utf8");
    for (const f of built.assets) expect(html).toContain(`assets/${f}`);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style=/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it("is current right after a build", async () => {
    expect(await dashboardStale(out)).toBe(false);
    expect(await dashboardStale(path.join(dir, "nothing-here"))).toBe(true);
  });
});
