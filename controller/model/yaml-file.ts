// Reading YAML defensively (issue 3): UTF-8 text only, the YAML 1.2 core schema
// and no other tags, duplicate keys refused, alias expansion and nesting bounded.
// Whatever the bytes, this returns documents and problems; it does not throw.
import {
  LineCounter,
  parseAllDocuments,
  visit,
  type Alias,
  type Document,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
} from "yaml";
import { describeError, type Problem } from "../errors.js";
import { MAX_ALIAS_COUNT, MAX_DEPTH } from "./limits.js";
import { ParsedDocument } from "./yaml-document.js";
import { syntaxProblems } from "./yaml-syntax.js";
import { decodeText } from "./yaml-text.js";

export interface YamlFile {
  /** The documents that parsed cleanly and are not empty (nor null), in file order. */
  documents: ParsedDocument[];
  problems: Problem[];
}

const parseOptions: ParseOptions & DocumentOptions & SchemaOptions = {
  schema: "core", // YAML 1.2: `on`, `yes` and `no` stay strings
  customTags: [],
  resolveKnownTags: false, // no !!binary, !!set, !!timestamp ... : an unknown tag is a problem
  uniqueKeys: true,
  strict: true,
  prettyErrors: false, // positions come from the LineCounter, messages stay one line
  logLevel: "silent", // warnings are collected and reported, never printed
};

export function parseYamlFile(file: string, bytes: Uint8Array): YamlFile {
  try {
    const decoded = decodeText(file, bytes);
    if (!decoded.ok) return { documents: [], problems: [decoded.problem] };
    return parseYamlText(file, decoded.text);
  } catch (err) {
    // Nothing above should throw; if a parser bug does, it is this file's problem, not the process's.
    return {
      documents: [],
      problems: [{ file, line: 1, col: 1, message: `could not be parsed: ${describeError(err)}` }],
    };
  }
}

/** Text that decodeText already let through, such as a ParsedDocument's text parsed again. */
export function parseYamlText(file: string, text: string): YamlFile {
  const lines = new LineCounter();
  const docs = Array.from(parseAllDocuments(text, { ...parseOptions, lineCounter: lines }));
  const problems: Problem[] = [];
  const documents: ParsedDocument[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0 || doc.warnings.length > 0 || doc.contents === null) continue;
    const parsed = toData(file, doc, text, lines);
    if ("problem" in parsed) problems.push(parsed.problem);
    // Only comments, or `~`: an empty document, skipped as kubectl skips it.
    else if (parsed.document.data !== null) documents.push(parsed.document);
  }
  problems.push(...syntaxProblems(file, text, lines, docs));
  return { documents, problems };
}

function toData(
  file: string,
  doc: Document.Parsed,
  text: string,
  lines: LineCounter,
): { document: ParsedDocument } | { problem: Problem } {
  const at = { file, ...lines.linePos(doc.contents?.range?.[0] ?? 0) };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const dangling = danglingAlias(doc);
    if (dangling) {
      const message = `alias *${dangling.source} has no anchor &${dangling.source} before it`;
      return { problem: { file, ...lines.linePos(dangling.range?.[0] ?? 0), message } };
    }
    const message = /alias count/i.test(describeError(err))
      ? `expands aliases more than ${MAX_ALIAS_COUNT} times; aliases are limited to stop alias bombs`
      : `could not be read: ${describeError(err)}`;
    return { problem: { ...at, message } };
  }
  if (depthOf(data) > MAX_DEPTH) {
    return {
      problem: { ...at, message: `nests lists or maps more than ${MAX_DEPTH} levels deep` },
    };
  }
  return { document: new ParsedDocument(file, data, doc, text, lines) };
}

/** The first alias whose anchor does not come before it. */
function danglingAlias(doc: Document.Parsed): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) !== undefined) return undefined;
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** How deeply lists and maps nest, counted without recursion. */
function depthOf(data: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[data, 0]];
  const seen = new Set<object>(); // aliases share objects; visit each once
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    max = Math.max(max, depth + 1);
    if (max > MAX_DEPTH) return max;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return max;
}
