import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { schemaFiles } from "./json-files.js";
import { kindSchemas, kinds } from "./kinds.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

describe("schemas/*.schema.json", () => {
  it.each(schemaFiles())("$path matches the TypeScript schema", async ({ path: file, schema }) => {
    const text = await readFile(path.join(root, file), "utf8").catch(() => "{}");
    // If this fails, a schema changed: run `npx tsx schemas/write-json.ts`.
    expect(JSON.parse(text), `${file} is stale: run npx tsx schemas/write-json.ts`).toEqual(
      JSON.parse(JSON.stringify(schema)),
    );
  });
});

describe("kind schemas", () => {
  it.each(kinds)("%s has the Kubernetes shape and rejects unknown fields", (kind) => {
    const schema = kindSchemas[kind];
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.required).toEqual(["apiVersion", "kind", "metadata", "spec"]);
    expect(schema.properties.kind).toEqual({ const: kind });
    expect(schema.properties.apiVersion).toEqual({ const: "kubefox.io/v1alpha1" });
    expect(schema.additionalProperties).toBe(false);
  });

  it("closes every object to unknown fields, except maps of names", () => {
    const open: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (typeof node !== "object" || node === null) return;
      const s = node as Record<string, unknown>;
      if (s.type === "object" && s.properties && s.additionalProperties !== false) open.push(at);
      for (const [key, child] of Object.entries(s)) walk(child, `${at}/${key}`);
    };
    for (const kind of kinds) walk(kindSchemas[kind], kind);
    expect(open).toEqual([]);
  });
});
