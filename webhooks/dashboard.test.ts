// The dashboard's files as the HTTP server serves them (issue 13): open
// without the token (they hold no data), with a strict CSP on each.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type RunningServer } from "./server.js";
import type { StatusView } from "./api/types.js";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function serve(dashboardDir: string | undefined): Promise<RunningServer> {
  const view = {
    platformNames: async () => [],
    subscribe: () => () => undefined,
  } as unknown as StatusView;
  return createServer({
    webhooks: { secret: undefined, repositories: () => [], requestSync: () => "" },
    view,
    ready: () => true,
    metrics: { contentType: "text/plain", render: async () => "", webhook() {} },
    apiToken: "s3cret",
    log: quiet,
    dashboardDir,
  } as unknown as Parameters<typeof createServer>[0]).listen("127.0.0.1", 0);
}

describe("serving the dashboard", () => {
  let dir: string;
  let server: RunningServer;
  let unbuilt: RunningServer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "kubefox-dash-serve-"));
    await mkdir(path.join(dir, "assets"));
    await writeFile(path.join(dir, "index.html"), "<!doctype html><title>t</title>");
    await writeFile(path.join(dir, "assets", "main-ABCDEFGH.js"), "console.log(1)");
    server = await serve(dir);
    unbuilt = await serve(path.join(dir, "missing"));
  });

  afterAll(async () => {
    await server?.close();
    await unbuilt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves index.html at / without the token, with a strict CSP and nosniff", async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<title>t</title>");
    const csp = res.headers.get("content-security-policy")!;
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ])
      expect(csp).toContain(directive);
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("serves hashed assets for a year, with the same headers, and 404s an unknown one", async () => {
    const res = await fetch(`${server.url}/assets/main-ABCDEFGH.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    expect(res.headers.get("cache-control")).toMatch(/immutable/);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect((await fetch(`${server.url}/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/assets/../index.html`)).status).not.toBe(500);
  });

  it("still asks for the token on the API", async () => {
    expect((await fetch(`${server.url}/api/kubefox/v0/platform`)).status).toBe(401);
  });

  it("says how to build it when it is not built", async () => {
    const res = await fetch(`${unbuilt.url}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("npm run build:dashboard");
  });
});
