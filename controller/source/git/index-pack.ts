// Indexes a pack received from a server: checks it, resolves every delta and
// names every object, then writes the idx that makes the pack readable.
//
// Why not isomorphic-git's own indexer (GitPackIndex.fromPack, run inside its
// `fetch`): profiled on the issue #3 benchmark (25,000 objects) it took about
// 1.5 s of a 2 s clone: pako in JavaScript for every object, one WebCrypto
// SHA-1 round trip to the thread pool per object, and an O(256 x n) fan-out
// loop. Node's zlib and crypto do the same work in about a tenth of the time.
import { createHash, hash } from "node:crypto";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import zlib from "node:zlib";
import { applyDelta, CorruptObjectError } from "./delta.js";
import { inflateAt } from "./inflate.js";
import { objectType, OFS_DELTA, parseEntryHeader, type ObjectType } from "./pack-entry.js";
import { writeIdx } from "./pack-idx.js";

export interface PackObject {
  oid: string;
  type: ObjectType;
  offset: number;
  crc: number;
}

export interface IndexedPack {
  /** The pack's trailing SHA-1, hex: it names the pack's files. */
  checksum: string;
  objects: PackObject[];
  idx: Buffer;
}

interface Entry {
  offset: number;
  code: number;
  size: number;
  dataStart: number;
  end: number;
  baseOffset?: number;
  baseOid?: string;
  /** Inflated data, kept while it fits the budget; re-inflated when needed otherwise. */
  data?: Buffer;
  oid?: string;
  type?: ObjectType;
}

/** Inflated bytes kept in memory between the two passes; beyond this, data is inflated again. */
const DEFAULT_KEEP_BYTES = 64 * 1024 * 1024;
/** Objects handled between yields, so a big pack does not stall the event loop. */
const YIELD_EVERY = 2000;

export async function indexPack(
  pack: Buffer,
  keepBytes = DEFAULT_KEEP_BYTES,
): Promise<IndexedPack> {
  const count = checkPack(pack);
  const end = pack.length - 20;

  // Pass 1: walk the entries in order (their ends are only known by inflating
  // them), naming whole objects at once and remembering deltas.
  const entries: Entry[] = [];
  const byOffset = new Map<number, Entry>();
  let kept = 0;
  let pos = 12;
  for (let n = 0; n < count; n++) {
    if (pos >= end) throw new CorruptObjectError(`pack says ${count} objects but holds ${n}`);
    const header = parseEntryHeader(pack, pos, pos);
    const { data, end: next } = inflateAt(pack, header.dataStart, header.size, end);
    const entry: Entry = { offset: pos, ...header, end: next };
    const type = objectType(header.code);
    if (type) {
      entry.type = type;
      entry.oid = hashObject(type, data);
    }
    if (kept + data.length <= keepBytes) {
      entry.data = data;
      kept += data.length;
    }
    entries.push(entry);
    byOffset.set(pos, entry);
    pos = next;
    if (n % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
  }
  if (pos !== end) throw new CorruptObjectError("pack has bytes after its last object");

  // Pass 2: resolve deltas depth-first from each base, so every base is in
  // memory exactly while its deltas are applied.
  const byBaseOffset = new Map<number, Entry[]>();
  const byBaseOid = new Map<string, Entry[]>();
  for (const e of entries) {
    if (e.code === OFS_DELTA) {
      const base = byOffset.get(e.baseOffset!);
      if (!base) throw new CorruptObjectError(`delta at ${e.offset} points between objects`);
      push(byBaseOffset, e.baseOffset!, e);
    } else if (e.baseOid) {
      push(byBaseOid, e.baseOid, e);
    }
  }
  const dataOf = (e: Entry) => e.data ?? inflateAt(pack, e.dataStart, e.size, end).data;
  let resolved = 0;
  for (const root of entries) {
    if (!objectType(root.code)) continue; // deltas are resolved from their bases
    const children = childrenOf(root, byBaseOffset, byBaseOid);
    if (children.length === 0) continue;
    const stack = [{ entry: root, content: dataOf(root), children }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const child = frame.children.pop();
      if (!child) {
        stack.pop();
        continue;
      }
      const content = applyDelta(frame.content, dataOf(child));
      child.data = undefined;
      child.type = frame.entry.type;
      child.oid = hashObject(child.type!, content);
      const children = childrenOf(child, byBaseOffset, byBaseOid);
      if (children.length > 0) stack.push({ entry: child, content, children });
      if (++resolved % YIELD_EVERY === 0) await yieldToEventLoop();
    }
    root.data = undefined;
  }

  const objects: PackObject[] = [];
  const seen = new Set<string>();
  let unresolved = 0;
  for (const e of entries) {
    if (!e.oid) unresolved++;
    else if (!seen.has(e.oid)) {
      seen.add(e.oid);
      objects.push({
        oid: e.oid,
        type: e.type!,
        offset: e.offset,
        crc: zlib.crc32(pack.subarray(e.offset, e.end)),
      });
    }
  }
  if (unresolved > 0) throw new CorruptObjectError(`${unresolved} deltas have no base in the pack`);
  const checksum = pack.subarray(end);
  return { checksum: checksum.toString("hex"), objects, idx: writeIdx(objects, checksum) };
}

/** Checks the header and trailing checksum; returns the object count. */
function checkPack(pack: Buffer): number {
  if (pack.length < 32 || pack.toString("latin1", 0, 4) !== "PACK") {
    throw new CorruptObjectError("not a pack");
  }
  const version = pack.readUInt32BE(4);
  if (version !== 2 && version !== 3) throw new CorruptObjectError(`pack version ${version}`);
  const digest = createHash("sha1")
    .update(pack.subarray(0, pack.length - 20))
    .digest();
  if (!digest.equals(pack.subarray(pack.length - 20))) {
    throw new CorruptObjectError("pack checksum does not match: the pack is damaged");
  }
  return pack.readUInt32BE(8);
}

export function hashObject(type: ObjectType, data: Buffer): string {
  // One-shot hashing of one buffer costs half of a Hash object fed twice.
  return hash("sha1", Buffer.concat([Buffer.from(`${type} ${data.length}\0`), data]), "hex");
}

function childrenOf(
  e: Entry,
  byOffset: Map<number, Entry[]>,
  byOid: Map<string, Entry[]>,
): Entry[] {
  return [...(byOffset.get(e.offset) ?? []), ...(byOid.get(e.oid!) ?? [])];
}

function push<K>(map: Map<K, Entry[]>, key: K, e: Entry): void {
  const list = map.get(key);
  if (list) list.push(e);
  else map.set(key, [e]);
}
