// Where the built dashboard is (issue 13): dist/dashboard/ beside a checkout
// (run from source with tsx; `npm ci` and `npm start` build it there), or
// dashboard/ beside the compiled controller in dist/ (the image).
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export function dashboardDir(): string | undefined {
  // controller/cli/ in a checkout, dist/controller/cli/ compiled.
  const up = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  return [path.join(up, "dist", "dashboard"), path.join(up, "dashboard")].find((dir) =>
    existsSync(path.join(dir, "index.html")),
  );
}
