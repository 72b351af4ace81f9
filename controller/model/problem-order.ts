// Problems in reading order: by file, then line, then column.
import type { Problem } from "../errors.js";

export function byPosition(a: Problem, b: Problem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.col - b.col;
}
