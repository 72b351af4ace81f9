// Field paths: ajv's JSON pointers into the path of keys and indexes, and that
// path as people write it in messages (`spec.components.web.ports[0].name`).
import type { FieldPath } from "./issue.js";

/** The keys and indexes a JSON pointer names in `data` (indexes where `data` has a list). */
export function pointerToPath(pointer: string, data: unknown): FieldPath {
  if (pointer === "") return [];
  const path: (string | number)[] = [];
  let at: unknown = data;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(at) && /^\d+$/.test(key)) {
      path.push(Number(key));
      at = at[Number(key)];
    } else {
      path.push(key);
      at = isRecord(at) && Object.hasOwn(at, key) ? at[key] : undefined;
    }
  }
  return path;
}

const plainKey = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `spec.components.web.ports[0].name`; keys that are not plain words are quoted. */
export function formatPath(path: FieldPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (plainKey.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** What a message calls the field: its path, or "the document" for the root. */
export function fieldName(path: FieldPath): string {
  return path.length === 0 ? "the document" : formatPath(path);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The string at `path` in data that may not have passed its schema; undefined if it is not one. */
export function stringAt(data: unknown, path: FieldPath): string | undefined {
  const value = valueAt(data, path);
  return typeof value === "string" ? value : undefined;
}

/** The value at `path`, following only own keys of maps and indexes of lists. */
export function valueAt(data: unknown, path: FieldPath): unknown {
  let at = data;
  for (const part of path) {
    if (Array.isArray(at) && typeof part === "number") at = at[part];
    else if (isRecord(at) && Object.hasOwn(at, part)) at = at[part];
    else return undefined;
  }
  return at;
}
