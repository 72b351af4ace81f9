// One file that holds one document of a known kind (kubefox.yaml, app.yaml,
// an environment, config or platform): read, parsed, checked against its
// schema, its name and the kind's own rules, with every problem it has.
import type { Kind } from "../../schemas/kinds.js";
import type { Problem } from "../errors.js";
import { checkApp } from "./component-checks.js";
import { isRecord, stringAt } from "./field-path.js";
import type { Issue } from "./issue.js";
import { checkPlatform } from "./platform-checks.js";
import { schemaIssues, describeValue } from "./schema-issues.js";
import type { Tree } from "./tree.js";
import { readYaml } from "./tree-files.js";
import { validateKind, type KindDocs } from "./validators.js";
import type { ParsedDocument } from "./yaml-document.js";

export interface KindFile<K extends Kind> {
  doc: KindDocs[K];
  /** Where the document came from, to place problems found later (cross-references). */
  source: ParsedDocument;
}

export type KindFileResult<K extends Kind> =
  | { ok: true; value: KindFile<K> }
  /** `source` when the file held one document, for checks across files that can still read it. */
  | { ok: false; problems: Problem[]; source?: ParsedDocument };

/** What metadata.name must equal, and what to call it in a message. */
export interface ExpectedName {
  name: string;
  /** "file name" or "folder name" */
  from: string;
}

export async function loadKindFile<K extends Kind>(
  tree: Tree,
  file: string,
  kind: K,
  expected?: ExpectedName,
): Promise<KindFileResult<K>> {
  // Loaded before from the same bytes at the same path: the same document, or the same problems.
  const id = tree.parsed ? await tree.blobId?.(file) : undefined;
  if (id === undefined || !tree.parsed) return loadNow(tree, file, kind, expected);
  const key = [kind, file, expected?.name ?? "", expected?.from ?? "", id].join("\0");
  return tree.parsed.get(key, () => loadNow(tree, file, kind, expected));
}

async function loadNow<K extends Kind>(
  tree: Tree,
  file: string,
  kind: K,
  expected?: ExpectedName,
): Promise<KindFileResult<K>> {
  const { documents, problems } = await readYaml(tree, file);
  if (problems.length > 0) return { ok: false, problems };
  const [first, second] = documents;
  if (!first) {
    return {
      ok: false,
      problems: [{ file, line: 1, col: 1, message: `is empty; expected a ${kind} document` }],
    };
  }
  if (second) {
    const message = `holds ${documents.length} YAML documents; a ${kind} file holds exactly one`;
    return { ok: false, problems: [second.problem(message)] };
  }
  const issues = checkDocument(first.data, kind, expected);
  if (issues.length > 0) {
    return { ok: false, problems: issues.map((i) => first.locate(i)), source: first };
  }
  return { ok: true, value: { doc: first.data as KindDocs[K], source: first } };
}

/** Every issue with a document that should be of `kind`; fills the schema's defaults into `data`. */
export function checkDocument(data: unknown, kind: Kind, expected?: ExpectedName): Issue[] {
  if (!isRecord(data)) {
    return [
      {
        path: [],
        message: `the document must be a map with apiVersion, kind, metadata and spec, got ${describeValue(data)}`,
      },
    ];
  }
  // Another kind entirely: its fields would all be "unknown"; one message says it better.
  if (typeof data.kind === "string" && data.kind !== kind) {
    return [
      {
        path: ["kind"],
        message: `kind must be "${kind}" in this file, got ${describeValue(data.kind)}`,
      },
    ];
  }
  const checked = validateKind(kind, data);
  const issues = checked.ok ? [] : schemaIssues(checked.errors, data);
  // The checks below read what they can of the data, valid or not, so that a
  // file's problems are all reported in one go.
  const name = stringAt(data, ["metadata", "name"]);
  if (expected && name !== undefined && name !== expected.name) {
    issues.push({
      path: ["metadata", "name"],
      message: `metadata.name "${name}" must match the ${expected.from} "${expected.name}"`,
    });
  }
  if (kind === "App") issues.push(...checkApp(data));
  if (kind === "Platform") issues.push(...checkPlatform(data));
  return issues;
}
