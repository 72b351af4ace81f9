// Builds the dashboard (issue 13): esbuild bundles dashboard/src/main.tsx
// (TypeScript, Preact) and its one stylesheet into content-hashed files under
// dist/dashboard/assets/, and writes dist/dashboard/index.html naming them. It
// takes well under a second, so `npm ci` (prepare), `npm start` and the test
// setup run it whenever a source is newer than the last build; nobody has to.
//   tsx dashboard/build.ts            build
//   tsx dashboard/build.ts --if-stale build only when a source changed
import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const dashboardOut = path.join(root, "dist", "dashboard");
/** What the bundle is made of: a change in any of these makes the build stale. */
const inputs = [path.join(root, "dashboard"), path.join(root, "schemas")];
const stampName = ".built";

export interface Built {
  dir: string;
  /** Asset file names under assets/, as index.html names them. */
  assets: string[];
  ms: number;
}

function indexHtml(script: string, style: string): string {
  // No inline script or style: the Content-Security-Policy forbids both.
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light dark">
    <title>kubefox-gitops</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="assets/${style}">
    <script type="module" src="assets/${script}"></script>
  </head>
  <body>
    <div id="app"><noscript>The kubefox-gitops dashboard needs JavaScript.</noscript></div>
  </body>
</html>
`;
}

/** Builds into `out` (replaced whole, so a reader never sees half a build). */
export async function buildDashboard(out = dashboardOut): Promise<Built> {
  const started = performance.now();
  const next = `${out}.next-${process.pid}`;
  await rm(next, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: [path.join(root, "dashboard", "src", "main.tsx")],
    outdir: path.join(next, "assets"),
    entryNames: "[name]-[hash]",
    assetNames: "[name]-[hash]",
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["chrome110", "firefox110", "safari16"],
    minify: true,
    jsx: "automatic",
    jsxImportSource: "preact",
    tsconfig: path.join(root, "dashboard", "tsconfig.json"),
    metafile: true,
    legalComments: "none",
    logLevel: "warning",
  });
  const assets = Object.keys(result.metafile.outputs).map((f) => path.basename(f));
  const script = assets.find((f) => f.endsWith(".js"));
  const style = assets.find((f) => f.endsWith(".css"));
  if (!script || !style) throw new Error(`dashboard build: no script or stylesheet in ${assets}`);
  await writeFile(path.join(next, "index.html"), indexHtml(script, style));
  await writeFile(path.join(next, stampName), new Date().toISOString());
  await mkdir(path.dirname(out), { recursive: true });
  await rm(out, { recursive: true, force: true });
  await rename(next, out);
  return { dir: out, assets, ms: performance.now() - started };
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestMtime(file));
    else newest = Math.max(newest, (await stat(file)).mtimeMs);
  }
  return newest;
}

/** Is the build missing, or older than a source? */
export async function dashboardStale(out = dashboardOut): Promise<boolean> {
  const stamp = path.join(out, stampName);
  if (!existsSync(stamp) || !existsSync(path.join(out, "index.html"))) return true;
  const built = (await stat(stamp)).mtimeMs;
  for (const dir of inputs) if ((await newestMtime(dir)) > built) return true;
  return false;
}

/** Builds when stale; returns the build, or undefined when it was current. */
export async function ensureDashboard(out = dashboardOut): Promise<Built | undefined> {
  return (await dashboardStale(out)) ? buildDashboard(out) : undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = process.argv.includes("--if-stale")
    ? await ensureDashboard()
    : await buildDashboard();
  console.log(
    built
      ? `dashboard: built ${built.assets.join(", ")} into ${path.relative(root, built.dir)} in ${Math.round(built.ms)} ms`
      : "dashboard: up to date",
  );
}
