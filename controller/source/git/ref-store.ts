// Refs as a local repository stores them (gitrepository-layout(5)): loose
// files under refs/, which win over the lines of packed-refs, plus HEAD. Read
// straight from disk in one pass: resolving refs one by one through
// isomorphic-git re-reads packed-refs for each of them.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parsePackedRefs } from "./packed-refs.js";

export interface StoredRef {
  oid: string;
  /** The peeled id, when packed-refs records one. */
  peeled?: string;
  /** Whether packed-refs vouches that a ref without `peeled` is not an annotated tag. */
  peelKnown: boolean;
}

const OID = /^[0-9a-f]{40}$/;
const MAX_SYMREF_DEPTH = 5;

/** Every ref under `refs/heads/` and `refs/tags/`, by full name, symbolic refs resolved. */
export async function readRefs(commonDir: string): Promise<Map<string, StoredRef>> {
  const packedText = await readFile(path.join(commonDir, "packed-refs"), "utf8").catch(() => "");
  const packed = parsePackedRefs(packedText);
  const loose = new Map<string, string>();
  for (const top of ["refs/heads", "refs/tags"]) await walk(commonDir, top, loose);

  const refs = new Map<string, StoredRef>();
  for (const [name, ref] of packed.refs) {
    if (!name.startsWith("refs/heads/") && !name.startsWith("refs/tags/")) continue;
    refs.set(name, {
      oid: ref.oid,
      peeled: ref.peeled,
      peelKnown: packed.fullyPeeled || !!ref.peeled,
    });
  }
  for (const [name, content] of loose) {
    const oid = await resolveContent(commonDir, content, packed.refs, loose);
    // A loose ref that does not resolve hides nothing: Git skips it as broken.
    if (oid) refs.set(name, { oid, peelKnown: false });
    else refs.delete(name);
  }
  return refs;
}

/** What HEAD holds: a branch's full name, or a detached commit. */
export async function readHead(gitDir: string): Promise<{ symref?: string; oid?: string }> {
  const text = (await readFile(path.join(gitDir, "HEAD"), "utf8").catch(() => "")).trim();
  if (text.startsWith("ref:")) return { symref: text.slice(4).trim() };
  return OID.test(text) ? { oid: text } : {};
}

async function walk(commonDir: string, rel: string, out: Map<string, string>): Promise<void> {
  const entries = await readdir(path.join(commonDir, rel), { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const name = `${rel}/${entry.name}`;
    if (entry.isDirectory()) await walk(commonDir, name, out);
    else if (entry.isFile() && !entry.name.endsWith(".lock")) {
      const content = await readFile(path.join(commonDir, name), "utf8").catch(() => undefined);
      if (content !== undefined) out.set(name, content.trim());
    }
  }
}

/** A loose ref's content to an object id, following `ref: <name>` links. */
async function resolveContent(
  commonDir: string,
  content: string,
  packed: Map<string, { oid: string }>,
  loose: Map<string, string>,
): Promise<string | undefined> {
  let current = content;
  for (let depth = 0; depth <= MAX_SYMREF_DEPTH; depth++) {
    if (OID.test(current)) return current;
    if (!current.startsWith("ref:")) return undefined;
    const target = current.slice(4).trim();
    if (!isSafeRefName(target)) return undefined;
    const next =
      loose.get(target) ??
      (await readFile(path.join(commonDir, target), "utf8").then(
        (t) => t.trim(),
        () => undefined,
      ));
    if (next !== undefined) current = next;
    else {
      const p = packed.get(target);
      return p?.oid;
    }
  }
  return undefined;
}

/** A symref target we are willing to open as a file: under refs/, no way out of it. */
function isSafeRefName(name: string): boolean {
  return (
    name.startsWith("refs/") &&
    !name.split("/").some((part) => part === "" || part === "." || part === "..") &&
    ![...name].some((ch) => ch === "\\" || ch.charCodeAt(0) < 0x20)
  );
}
