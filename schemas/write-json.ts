// Writes schemas/*.schema.json from the TypeScript schemas, formatted as
// `prettier --check` expects. Run after changing a schema:
//   npx tsx schemas/write-json.ts
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { schemaFiles } from "./json-files.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

for (const { path: file, schema } of schemaFiles()) {
  const target = path.join(root, file);
  const options = (await resolveConfig(target)) ?? {};
  await writeFile(target, await format(JSON.stringify(schema), { ...options, filepath: target }));
  console.log(`wrote ${file}`);
}
