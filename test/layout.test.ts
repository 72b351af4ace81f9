// The layout the README's map describes, checked (issue 12): the HTTP layer
// never reaches into the controller, and no file imports itself through others.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const folders = ["controller", "webhooks", "schemas"];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [file] : [];
  });
}

/** Relative imports of a file (type-only ones too), resolved to .ts files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+["'](\.[^"']+)["']/g)];
  const dynamic = [...text.matchAll(/import\(\s*["'](\.[^"']+)["']\s*\)/g)];
  return [...found, ...dynamic].map((m) =>
    path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, ".ts")),
  );
}

const files = folders.flatMap((f) => sources(path.join(root, f)));
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => path.relative(root, f);

describe("layout", () => {
  it("webhooks/ imports nothing of controller/", () => {
    const reaching = files
      .filter((f) => rel(f).startsWith("webhooks/"))
      .flatMap((f) =>
        graph
          .get(f)!
          .filter((i) => rel(i).startsWith("controller/"))
          .map((i) => `${rel(f)} → ${rel(i)}`),
      );
    expect(reaching).toEqual([]);
  });

  it("has no import cycle between files", () => {
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, "open");
      stack.push(f);
      for (const next of graph.get(f) ?? []) {
        if (!graph.has(next)) continue;
        if (state.get(next) === "open") {
          cycles.push([...stack.slice(stack.indexOf(next)), next].map(rel).join(" → "));
        } else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(f, "done");
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
