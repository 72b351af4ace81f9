// YAML syntax errors as a person fixes them (issue 15). One broken construct
// (an unclosed `[`, `{` or quote, a line indented wrong) makes the parser
// misread everything after it, so a file gets one message for it: at the line
// where the construct opened, saying where the parser noticed when that is
// elsewhere; nothing it misread afterwards is reported. Errors that leave the
// rest of the file readable (a duplicate key, a tag) are each reported, as long
// as they come before the broken construct.
import {
  isScalar,
  Parser,
  visit,
  type CST,
  type Document,
  type LineCounter,
  type YAMLError,
} from "yaml";
import type { Problem } from "../errors.js";
import { MAX_SYNTAX_ERRORS_PER_FILE } from "./limits.js";

/** Errors found where the problem is, after which the parser still reads the file right. */
const LOCAL_ERRORS: ReadonlySet<string> = new Set([
  "DUPLICATE_KEY",
  "TAG_RESOLVE_FAILED",
  "BAD_DQ_ESCAPE",
  "KEY_OVER_1024_CHARS",
]);

/** The problems to report for the errors and warnings of a file's documents. */
export function syntaxProblems(
  file: string,
  text: string,
  lines: LineCounter,
  docs: readonly Document.Parsed[],
): Problem[] {
  const found = docs
    .flatMap((doc) => [...doc.errors, ...doc.warnings].map((error) => ({ doc, error })))
    .sort((a, b) => a.error.pos[0] - b.error.pos[0]);
  const broken = found.find(({ error }) => !LOCAL_ERRORS.has(error.code));
  if (!broken) {
    return capped(
      file,
      unique(found.map(({ doc, error }) => localProblem(file, text, lines, doc, error))),
    );
  }
  const opened = unclosedBefore(text, broken.error.pos[0]);
  const cut = opened?.offset ?? broken.error.pos[0];
  const before = found
    .filter(({ error }) => LOCAL_ERRORS.has(error.code) && error.pos[0] < cut)
    .map(({ doc, error }) => localProblem(file, text, lines, doc, error));
  const main = opened
    ? unclosedProblem(file, text, lines, opened, broken.error)
    : brokenProblem(file, text, lines, broken.error);
  return capped(file, unique([...before, main]));
}

/** A flow collection or quoted string that is never closed. */
interface Opened {
  offset: number;
  /** The character that opened it. */
  opener: "[" | "{" | '"' | "'";
}

const closerOf = { "[": "]", "{": "}", '"': '"', "'": "'" } as const;
const whatOf = { "[": "a list", "{": "a map", '"': "a string", "'": "a string" } as const;

function unclosedProblem(
  file: string,
  text: string,
  lines: LineCounter,
  opened: Opened,
  error: YAMLError,
): Problem {
  const at = lines.linePos(opened.offset);
  const { opener } = opened;
  return {
    file,
    ...at,
    message: `this ${opener} starts ${whatOf[opener]} that is never closed with ${closerOf[opener]}${noticed(text, lines, at, error)}`,
  };
}

/** Where the parser noticed, when that is not where the message points. */
function noticed(
  text: string,
  lines: LineCounter,
  at: { line: number; col: number },
  error: YAMLError,
): string {
  const [offset] = error.pos;
  if (text.slice(offset).trim() === "") return " (the YAML parser noticed at the end of the file)";
  const seen = lines.linePos(offset);
  if (seen.line !== at.line) {
    return ` (the YAML parser noticed at line ${seen.line}, column ${seen.col})`;
  }
  return seen.col === at.col ? "" : ` (the YAML parser noticed at column ${seen.col})`;
}

/** A broken construct with no unclosed bracket or quote before it: said at the error. */
function brokenProblem(file: string, text: string, lines: LineCounter, error: YAMLError): Problem {
  const [offset] = error.pos;
  if (error.code === "TAB_AS_INDENT") {
    return {
      file,
      ...lines.linePos(offset),
      message: "a tab indents this line; YAML indents with spaces only",
    };
  }
  if (error.code === "BAD_INDENT" && /same column/.test(error.message)) {
    // The error is at the line's indentation; the key it indents is what to move.
    const key = offset + (/^[ ]*/.exec(text.slice(offset))?.[0].length ?? 0);
    const at = lines.linePos(key);
    return {
      file,
      ...at,
      message: `this key (column ${at.col}) lines up with no key above it: the keys of one map start at the same column`,
    };
  }
  const message =
    error.code === "RESOURCE_EXHAUSTION"
      ? "is too deeply nested to read"
      : firstLine(error.message);
  return { file, ...lines.linePos(offset), message };
}

function localProblem(
  file: string,
  text: string,
  lines: LineCounter,
  doc: Document.Parsed,
  error: YAMLError,
): Problem {
  const [offset] = error.pos;
  const at = { file, ...lines.linePos(offset) };
  switch (error.code) {
    case "DUPLICATE_KEY": {
      const key = keyAtStart.exec(text.slice(offset, offset + 256))?.[1];
      const shown = key ? ` ${/^["']/.test(key) ? key : `"${key}"`}` : "";
      const first = firstKeyLike(doc, offset);
      const firstAt = first === undefined ? undefined : lines.linePos(first);
      const where = !firstAt
        ? ""
        : firstAt.line === at.line
          ? ` (first at column ${firstAt.col})`
          : ` (first at line ${firstAt.line})`;
      return { ...at, message: `duplicate key${shown}${where}` };
    }
    case "TAG_RESOLVE_FAILED": {
      const tag = error.message
        .replace(/^Unresolved tag: /, "")
        .replace("tag:yaml.org,2002:", "!!");
      return {
        ...at,
        message: `tag ${tag} is not allowed: only plain YAML (strings, numbers, booleans, null, maps and lists) is read`,
      };
    }
    default:
      return { ...at, message: firstLine(error.message) };
  }
}

/** A map key as the file spells it, from where it starts: plain, or quoted. */
const keyAtStart = /^("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^:#\n]*?)\s*:/;

/** Where the key that the key at `offset` repeats is, in the same map. */
function firstKeyLike(doc: Document.Parsed, offset: number): number | undefined {
  let first: number | undefined;
  visit(doc, {
    Map(_, map) {
      const index = map.items.findIndex((p) => isScalar(p.key) && p.key.range?.[0] === offset);
      if (index < 0) return undefined;
      const repeated = map.items[index]!.key;
      const earlier = map.items
        .slice(0, index)
        .find((p) => isScalar(p.key) && isScalar(repeated) && p.key.value === repeated.value);
      first = isScalar(earlier?.key) ? earlier.key.range?.[0] : undefined;
      return visit.BREAK;
    },
  });
  return first;
}

/**
 * The innermost flow collection or quoted string opened before `offset` that
 * is never closed, read from the parser's concrete syntax tree. Walked with a
 * stack: a broken file may nest deeply.
 */
function unclosedBefore(text: string, offset: number): Opened | undefined {
  let found: Opened | undefined;
  const consider = (candidate: Opened) => {
    if (candidate.offset < offset && (!found || candidate.offset > found.offset)) found = candidate;
  };
  const stack: CST.Token[] = [...new Parser().parse(text)];
  while (stack.length > 0) {
    const token = stack.pop()!;
    switch (token.type) {
      case "document":
        if (token.value) stack.push(token.value);
        break;
      case "block-map":
      case "block-seq":
      case "flow-collection":
        for (const item of token.items) {
          if (item.key) stack.push(item.key);
          if (item.value) stack.push(item.value);
        }
        if (token.type === "flow-collection") {
          const opener = token.start.source === "{" ? "{" : "[";
          if (!token.end.some((t) => t.source === closerOf[opener]))
            consider({ offset: token.start.offset, opener });
        }
        break;
      case "double-quoted-scalar":
      case "single-quoted-scalar": {
        const opener = token.type === "double-quoted-scalar" ? '"' : "'";
        if (!quoteClosed(token.source, opener)) consider({ offset: token.offset, opener });
        break;
      }
      default:
        break;
    }
  }
  return found;
}

/** Whether a quoted scalar's source ends with its closing quote (`\"` and `''` escape one). */
function quoteClosed(source: string, quote: '"' | "'"): boolean {
  for (let i = 1; i < source.length; i++) {
    const c = source[i];
    if (quote === '"' && c === "\\") i++;
    else if (c === quote) {
      if (quote === "'" && source[i + 1] === "'") i++;
      else return i === source.length - 1;
    }
  }
  return false;
}

function firstLine(message: string): string {
  return message.split("\n", 1)[0]!;
}

function unique(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.col}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function capped(file: string, problems: Problem[]): Problem[] {
  if (problems.length <= MAX_SYNTAX_ERRORS_PER_FILE) return problems;
  const kept = problems.slice(0, MAX_SYNTAX_ERRORS_PER_FILE);
  const last = kept[kept.length - 1]!;
  const more = problems.length - kept.length;
  kept.push({ file, line: last.line, col: last.col, message: `and ${more} more YAML errors` });
  return kept;
}
