// The checks a file's bytes pass before the YAML parser sees them: UTF-8 text,
// no control characters (binary files), and a bound on bracket nesting, which
// would otherwise cost the parser seconds per file before it gives up.
import type { Problem } from "../errors.js";
import { MAX_DEPTH } from "./limits.js";

export type TextResult = { ok: true; text: string } | { ok: false; problem: Problem };

export function decodeText(file: string, bytes: Uint8Array): TextResult {
  let text: string;
  try {
    // fatal: refuse bytes that are not UTF-8 instead of replacing them. The BOM is dropped.
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const before = new TextDecoder("utf-8").decode(bytes.subarray(0, at));
    return {
      ok: false,
      problem: { file, ...positionIn(before, before.length), message: "is not UTF-8 text" },
    };
  }
  const control = firstControlCharacter(text);
  if (control !== -1) {
    const code = text.charCodeAt(control).toString(16).padStart(4, "0").toUpperCase();
    return {
      ok: false,
      problem: {
        file,
        ...positionIn(text, control),
        message: `holds the control character U+${code}; YAML files must be text`,
      },
    };
  }
  const deep = tooDeep(text);
  if (deep !== undefined) {
    return {
      ok: false,
      problem: {
        file,
        ...positionIn(text, deep),
        message: `nests lists or maps more than ${MAX_DEPTH} levels deep`,
      },
    };
  }
  return { ok: true, text };
}

/** The index of the first C0 control character other than tab, LF and CR, or DEL; -1 if none. */
function firstControlCharacter(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return i;
  }
  return -1;
}

/**
 * The index where flow brackets first open more than MAX_DEPTH deep, if they do.
 * Brackets inside quotes and comments count too: no real file has a hundred
 * unclosed ones, so the shortcut costs nothing and keeps this one linear pass.
 */
function tooDeep(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_DEPTH) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return undefined;
}

/**
 * Where decoding first goes wrong: the lenient decoder's output re-encodes to
 * the same bytes up to the first sequence it had to replace.
 */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const lenient = new TextDecoder("utf-8", { ignoreBOM: true });
  const again = Buffer.from(lenient.decode(bytes), "utf8");
  let i = 0;
  while (i < bytes.length && i < again.length && bytes[i] === again[i]) i++;
  return i;
}

/** 1-based line and column of `index` in `text`, counting columns as the YAML parser does. */
export function positionIn(text: string, index: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: index - lineStart + 1 };
}
