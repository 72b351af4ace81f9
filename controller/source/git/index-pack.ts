// Indexes a pack as it arrives from a server: writes it to a file, checks it,
// resolves every delta and names every object, then builds the idx that makes
// the pack readable. Never holds the whole pack (issue 16): the bytes of the
// object being read, a bounded cache of small objects and deltas, and the
// chain of bases being resolved; everything else is read back from the file.
//
// Why not isomorphic-git's own indexer (GitPackIndex.fromPack, run inside its
// `fetch`): profiled on the issue #3 benchmark (25,000 objects) it took about
// 1.5 s of a 2 s clone: pako in JavaScript for every object, one WebCrypto
// SHA-1 round trip to the thread pool per object, and an O(256 x n) fan-out
// loop. Node's zlib and crypto do the same work in about a tenth of the time.
import { createHash, hash } from "node:crypto";
import { readSync } from "node:fs";
import { mkdtemp, open, rm, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import zlib from "node:zlib";
import { applyDelta, CorruptObjectError } from "./delta.js";
import { inflateAt, InflateTruncatedError } from "./inflate.js";
import {
  checkSize,
  defaultPackLimits,
  formatBytes,
  PackLimitError,
  type PackLimits,
} from "./limits.js";
import { objectType, OFS_DELTA, parseEntryHeader, type ObjectType } from "./pack-entry.js";
import { writeIdx } from "./pack-idx.js";
import { PackInput } from "./pack-input.js";

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
  crc: number;
  baseOffset?: number;
  baseOid?: string;
  /** Where the inflated data is in the cache (Cache.put), or -1: read back from the file. */
  cached: number;
  oid?: string;
  type?: ObjectType;
}

/**
 * Small objects' inflated data, kept between the passes in a few large
 * buffers rather than one Buffer each: 25,000 small Buffers that live through
 * the whole fetch cost the garbage collector more than inflating them did.
 */
class Cache {
  private readonly chunks: Buffer[] = [];
  private readonly chunkBytes: number;
  private used: number;
  /** Bytes taken, counting what is left unused at the end of each chunk. */
  private taken = 0;

  constructor(private readonly budget: number) {
    this.chunkBytes = Math.max(1, Math.min(1024 * 1024, budget));
    this.used = this.chunkBytes;
  }

  /** Keeps `data` (at most CACHE_OBJECT_BYTES) if the budget allows: its handle, or -1. */
  put(data: Buffer): number {
    if (data.length > CACHE_OBJECT_BYTES || data.length > this.chunkBytes) return -1;
    if (this.used + data.length > this.chunkBytes) {
      if (this.taken + this.chunkBytes > this.budget) return -1;
      this.chunks.push(Buffer.allocUnsafe(this.chunkBytes));
      this.taken += this.chunkBytes;
      this.used = 0;
    }
    const handle = (this.chunks.length - 1) * this.chunkBytes + this.used;
    data.copy(this.chunks.at(-1)!, this.used);
    this.used += data.length;
    return handle;
  }

  get(handle: number, length: number): Buffer {
    const at = handle % this.chunkBytes;
    return this.chunks[(handle - at) / this.chunkBytes]!.subarray(at, at + length);
  }
}

/** Objects handled between yields, so a big pack does not stall the event loop. */
const YIELD_EVERY = 2000;
/** Only objects up to this size are cached between the passes: bases and deltas of text files. */
const CACHE_OBJECT_BYTES = 64 * 1024;
/** The longest entry header: a type and size (10 bytes), then a base's offset or id. */
const MAX_HEADER = 32;
const NO_CHILDREN: Entry[] = [];

/**
 * Indexes the pack whose bytes `chunks` yields, writing them to `file` (open
 * for reading and writing, empty) as they come, flushed to disk by the time
 * it resolves. Resolves to undefined when the stream holds no bytes at all.
 */
export async function indexPackStream(
  chunks: AsyncIterable<Uint8Array>,
  file: FileHandle,
  limits: PackLimits = defaultPackLimits,
): Promise<IndexedPack | undefined> {
  const input = new PackInput(chunks, file, limits.maxPackBytes);
  try {
    if ((await input.ensure(0, 12)) === 0) return undefined;
    let entries: Entry[];
    const cache = new Cache(limits.cacheBytes);
    try {
      entries = await readEntries(input, limits, cache);
    } catch (err) {
      // A damaged pack says so in its checksum: read the rest (within the
      // limits) to tell damage in transit from a pack made wrong.
      if (err instanceof CorruptObjectError && !(err instanceof PackLimitError)) {
        if (!(await input.drainAndCheck())) {
          throw new CorruptObjectError(
            `pack checksum does not match: the pack is damaged (${err.message})`,
          );
        }
      }
      throw err;
    }
    const checksum = input.checksum();
    // Every byte is written: flush them to disk while the deltas resolve.
    const synced = file.sync();
    try {
      return await resolve(entries, cache, file.fd, checksum, limits);
    } finally {
      await synced;
    }
  } finally {
    await input.close();
  }
}

/** Indexes a whole pack held in memory (tests, and callers that have one). */
export async function indexPack(
  pack: Buffer,
  cacheBytes = defaultPackLimits.cacheBytes,
): Promise<IndexedPack> {
  const dir = await mkdtemp(path.join(tmpdir(), "kubefox-index-pack-"));
  const file = await open(path.join(dir, "pack"), "w+");
  try {
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let i = 0; i < pack.length; i += 65536) yield pack.subarray(i, i + 65536);
    }
    const limits = { ...defaultPackLimits, cacheBytes, maxPackBytes: Infinity };
    const indexed = await indexPackStream(chunks(), file, limits);
    if (!indexed) throw new CorruptObjectError("not a pack");
    return indexed;
  } finally {
    await file.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pass 1, as the bytes arrive: every entry's header, extent and CRC; whole objects named. */
async function readEntries(input: PackInput, limits: PackLimits, cache: Cache): Promise<Entry[]> {
  const count = await readHeader(input, limits);
  const entries: Entry[] = [];
  let pos = 12;
  for (let n = 0; n < count; n++) {
    input.release(pos);
    const available = await input.ensure(pos, MAX_HEADER);
    if (available === 0) throw new CorruptObjectError(`pack ends after ${n} of ${count} objects`);
    const header = parseEntryHeader(input.view(pos, available), 0, pos);
    checkSize(
      `object ${n + 1} of ${count} (at byte ${pos} of the pack)`,
      header.size,
      limits.maxObjectBytes,
    );
    const { data, end } = await inflateEntry(
      input,
      header.dataStart,
      header.size,
      `object ${n + 1} of ${count} (at byte ${pos})`,
    );
    const type = objectType(header.code);
    // Every field set at once, in one order: 25,000 entries of one shape are
    // cheaper to make and to collect than entries that grow fields later.
    entries.push({
      offset: pos,
      code: header.code,
      size: header.size,
      dataStart: header.dataStart,
      end,
      crc: zlib.crc32(input.view(pos, end - pos)),
      baseOffset: header.baseOffset,
      baseOid: header.baseOid,
      cached: cache.put(data),
      oid: type ? hashObject(type, data) : undefined,
      type,
    });
    pos = end;
    if (n % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
  }
  input.release(pos);
  const trailer = await input.ensure(pos, 21);
  if (trailer < 20) throw new CorruptObjectError(`pack ends before its checksum`);
  if (trailer > 20) throw new CorruptObjectError("pack has bytes after its last object");
  if (!(await input.drainAndCheck()))
    throw new CorruptObjectError("pack checksum does not match: the pack is damaged");
  return entries;
}

/** Checks the 12-byte header; returns the object count. */
async function readHeader(input: PackInput, limits: PackLimits): Promise<number> {
  const header = input.view(0, await input.ensure(0, 12));
  if (header.length < 12 || header.toString("latin1", 0, 4) !== "PACK") {
    throw new CorruptObjectError("not a pack");
  }
  const version = header.readUInt32BE(4);
  if (version !== 2 && version !== 3) throw new CorruptObjectError(`pack version ${version}`);
  const count = header.readUInt32BE(8);
  if (count > limits.maxObjects) {
    throw new PackLimitError(
      `the pack holds ${count} objects, over the limit of ${limits.maxObjects}`,
    );
  }
  return count;
}

/**
 * Inflates the entry data at `start`, reading more of the stream until its
 * zlib stream ends. An honest encoder needs at most a little over `size`
 * bytes; a stream that runs far past that without ending is refused.
 */
async function inflateEntry(
  input: PackInput,
  start: number,
  size: number,
  what: string,
): Promise<{ data: Buffer; end: number }> {
  let want = Math.min(size + (size >> 10) + 64, 256 * 1024);
  const most = size + (size >> 6) + 64 * 1024;
  for (;;) {
    const available = await input.ensure(start, want);
    try {
      const { data, end } = inflateAt(input.view(start, available), 0, size);
      return { data, end: start + end };
    } catch (err) {
      if (!(err instanceof InflateTruncatedError) || available < want) {
        if (err instanceof InflateTruncatedError)
          throw new CorruptObjectError(`the pack ends inside ${what}`);
        throw err;
      }
      if (available >= most) {
        throw new PackLimitError(
          `the data of ${what} runs past ${formatBytes(available)} without ending, for ${formatBytes(size)} of content`,
        );
      }
      want = Math.min(most, Math.max(want * 2, available + 65536));
    }
  }
}

interface Frame {
  entry: Entry;
  /** Dropped when the chain's contents pass the cache; derived again from below when needed. */
  content?: Buffer;
  children: Entry[];
}

/** Pass 2: resolve deltas depth-first from each base, reading data back from the file. */
async function resolve(
  entries: Entry[],
  cache: Cache,
  fd: number,
  checksum: Buffer,
  limits: PackLimits,
): Promise<IndexedPack> {
  const byOffset = new Map<number, Entry>();
  for (const e of entries) byOffset.set(e.offset, e);
  const byBaseOffset = new Map<number, Entry[]>();
  const byBaseOid = new Map<string, Entry[]>();
  for (const e of entries) {
    if (e.code === OFS_DELTA) {
      if (!byOffset.has(e.baseOffset!))
        throw new CorruptObjectError(`delta at ${e.offset} points between objects`);
      push(byBaseOffset, e.baseOffset!, e);
    } else if (e.baseOid) {
      push(byBaseOid, e.baseOid, e);
    }
  }
  byOffset.clear();
  const dataOf = (e: Entry): Buffer =>
    e.cached >= 0 ? cache.get(e.cached, e.size) : readBack(fd, e);
  const childrenOf = (e: Entry): Entry[] => {
    const byOffset = byBaseOffset.get(e.offset);
    const byOid = byBaseOid.size > 0 ? byBaseOid.get(e.oid!) : undefined;
    if (!byOid) return byOffset ?? NO_CHILDREN;
    return byOffset ? [...byOffset, ...byOid] : byOid;
  };

  let resolved = 0;
  for (const root of entries) {
    if (!objectType(root.code)) continue; // deltas are resolved from their bases
    const rootChildren = childrenOf(root);
    if (rootChildren.length === 0) continue;
    const stack: Frame[] = [{ entry: root, content: dataOf(root), children: [...rootChildren] }];
    let held = stack[0]!.content!.length;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const child = top.children.pop();
      if (!child) {
        held -= stack.pop()!.content?.length ?? 0;
        continue;
      }
      const base = contentOf(stack, dataOf, limits);
      const content = applyDelta(base, dataOf(child), limits.maxObjectBytes);
      child.type = top.entry.type;
      child.oid = hashObject(child.type!, content);
      // A base whose last delta this was is not needed any more: a chain of
      // deltas holds one base at a time, not the whole chain.
      if (top.children.length === 0) held -= stack.pop()!.content?.length ?? 0;
      const children = childrenOf(child);
      if (children.length > 0) {
        stack.push({ entry: child, content, children: [...children] });
        held += content.length;
        // Over the cache: drop contents from the bottom (never the top's).
        for (let i = 0; held > limits.cacheBytes && i < stack.length - 1; i++) {
          held -= stack[i]!.content?.length ?? 0;
          stack[i]!.content = undefined;
        }
      }
      if (++resolved % YIELD_EVERY === 0) await yieldToEventLoop();
    }
  }

  const named: PackObject[] = [];
  let unresolved = 0;
  for (const e of entries) {
    if (!e.oid) unresolved++;
    else named.push({ oid: e.oid, type: e.type!, offset: e.offset, crc: e.crc });
  }
  if (unresolved > 0) throw new CorruptObjectError(`${unresolved} deltas have no base in the pack`);
  const objects = sortedUnique(named);
  return { checksum: checksum.toString("hex"), objects, idx: writeIdx(objects, checksum) };
}

/**
 * The objects in id order, each id once (the first in the pack), as the idx
 * wants them: bucketed by their first four hex digits, then each bucket (of
 * one or two, mostly) sorted. A third of the time of sorting them whole with
 * a comparison callback.
 */
function sortedUnique(objects: PackObject[]): PackObject[] {
  const keys = new Uint32Array(objects.length);
  const starts = new Uint32Array(65537);
  for (let i = 0; i < objects.length; i++) {
    keys[i] = Number.parseInt(objects[i]!.oid.slice(0, 4), 16);
    starts[keys[i]! + 1]!++;
  }
  for (let k = 0; k < 65536; k++) starts[k + 1]! += starts[k]!;
  const next = starts.slice(0, 65536);
  const sorted = new Array<PackObject>(objects.length);
  for (let i = 0; i < objects.length; i++) sorted[next[keys[i]!]!++] = objects[i]!;
  for (let k = 0; k < 65536; k++) {
    const from = starts[k]!;
    const to = starts[k + 1]!;
    if (to - from < 2) continue;
    // A stable sort: of two entries of one id, the first in the pack stays first.
    const bucket = sorted
      .slice(from, to)
      .sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
    for (let j = 0; j < bucket.length; j++) sorted[from + j] = bucket[j]!;
  }
  const unique: PackObject[] = [];
  for (const o of sorted) if (unique.at(-1)?.oid !== o.oid) unique.push(o);
  return unique;
}

/** The content of the top frame, derived again from the nearest frame below that kept its own. */
function contentOf(stack: Frame[], dataOf: (e: Entry) => Buffer, limits: PackLimits): Buffer {
  const top = stack.length - 1;
  if (stack[top]!.content) return stack[top]!.content;
  let from = top;
  while (from > 0 && !stack[from]!.content) from--;
  let content = stack[from]!.content ?? dataOf(stack[from]!.entry);
  for (let i = from + 1; i <= top; i++) {
    content = applyDelta(content, dataOf(stack[i]!.entry), limits.maxObjectBytes);
  }
  stack[top]!.content = content;
  return content;
}

/** An entry's data, read back from the pack file and inflated. */
function readBack(fd: number, e: Entry): Buffer {
  const compressed = Buffer.allocUnsafe(e.end - e.dataStart);
  let done = 0;
  while (done < compressed.length) {
    const n = readSync(fd, compressed, done, compressed.length - done, e.dataStart + done);
    if (n === 0) throw new CorruptObjectError(`pack file ends inside the object at ${e.offset}`);
    done += n;
  }
  return inflateAt(compressed, 0, e.size).data;
}

/** Where hashObject lays out header and content for one-shot hashing; grown as needed. */
let scratch = Buffer.allocUnsafe(64 * 1024);

export function hashObject(type: ObjectType, data: Buffer): string {
  const header = `${type} ${data.length}\0`;
  // One-shot hashing of one buffer costs half of a Hash object fed twice; a
  // large object is fed twice rather than copied.
  if (data.length > 1024 * 1024)
    return createHash("sha1").update(header, "latin1").update(data).digest("hex");
  const length = header.length + data.length;
  if (scratch.length < length) scratch = Buffer.allocUnsafe(Math.max(length, scratch.length * 2));
  scratch.write(header, 0, "latin1");
  data.copy(scratch, header.length);
  return hash("sha1", scratch.subarray(0, length), "hex");
}

function push<K>(map: Map<K, Entry[]>, key: K, e: Entry): void {
  const list = map.get(key);
  if (list) list.push(e);
  else map.set(key, [e]);
}
