// The version people and metrics see: package.json's, found by walking up from
// this file, so it reads the same from controller/ in a checkout and from
// dist/controller/ in the image (which copies package.json to /app).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

export function packageVersion(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "kubefox-gitops" && pkg.version) return (cached = pkg.version);
    } catch {
      // no package.json here: look further up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return (cached = "unknown");
    dir = parent;
  }
}
