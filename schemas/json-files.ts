// The schemas as JSON files, for editors (yaml-language-server, VS Code): the
// TypeScript modules are the source; schemas/*.schema.json are written from
// them by `npx tsx schemas/write-json.ts`, and a test fails when they differ.
import { kindSchemas, kinds } from "./kinds.js";

export interface SchemaFile {
  /** Path from the repository's root. */
  path: string;
  schema: object;
}

export function schemaFiles(): SchemaFile[] {
  return kinds.map((kind) => ({
    path: `schemas/${kind.toLowerCase()}.schema.json`,
    schema: kindSchemas[kind],
  }));
}
