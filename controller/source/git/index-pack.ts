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
  /** Inflated data, kept while it fits the cache; read back from the file otherwise. */
  data?: Buffer;
  oid?: string;
  type?: ObjectType;
}

/** Objects handled between yields, so a big pack does not stall the event loop. */
const YIELD_EVERY = 2000;
/** Only objects up to this size are cached between the passes: bases and deltas of text files. */
const CACHE_OBJECT_BYTES = 64 * 1024;
/** The longest entry header: a type and size (10 bytes), then a base's offset or id. */
const MAX_HEADER = 32;

/**
 * Indexes the pack whose bytes `chunks` yields, writing them to `file` (open
 * for reading and writing, empty) as they come. Resolves to undefined when
 * the stream holds no bytes at all.
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
    try {
      entries = await readEntries(input, limits);
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
    return await resolve(entries, file.fd, checksum, limits);
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
async function readEntries(input: PackInput, limits: PackLimits): Promise<Entry[]> {
  const count = await readHeader(input, limits);
  const entries: Entry[] = [];
  let cached = 0;
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
    const entry: Entry = {
      offset: pos,
      ...header,
      end,
      crc: zlib.crc32(input.view(pos, end - pos)),
    };
    const type = objectType(header.code);
    if (type) {
      entry.type = type;
      entry.oid = hashObject(type, data);
    }
    if (data.length <= CACHE_OBJECT_BYTES && cached + data.length <= limits.cacheBytes) {
      entry.data = data;
      cached += data.length;
    }
    entries.push(entry);
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
  const dataOf = (e: Entry): Buffer => e.data ?? readBack(fd, e);
  const childrenOf = (e: Entry): Entry[] => [
    ...(byBaseOffset.get(e.offset) ?? []),
    ...(byBaseOid.get(e.oid!) ?? []),
  ];

  let resolved = 0;
  for (const root of entries) {
    if (!objectType(root.code)) continue; // deltas are resolved from their bases
    const rootChildren = childrenOf(root);
    if (rootChildren.length === 0) continue;
    const stack: Frame[] = [{ entry: root, content: dataOf(root), children: rootChildren }];
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
      child.data = undefined;
      child.type = top.entry.type;
      child.oid = hashObject(child.type!, content);
      // A base whose last delta this was is not needed any more: a chain of
      // deltas holds one base at a time, not the whole chain.
      if (top.children.length === 0) held -= stack.pop()!.content?.length ?? 0;
      const children = childrenOf(child);
      if (children.length > 0) {
        stack.push({ entry: child, content, children });
        held += content.length;
        // Over the cache: drop contents from the bottom (never the top's).
        for (let i = 0; held > limits.cacheBytes && i < stack.length - 1; i++) {
          held -= stack[i]!.content?.length ?? 0;
          stack[i]!.content = undefined;
        }
      }
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
      objects.push({ oid: e.oid, type: e.type!, offset: e.offset, crc: e.crc });
    }
  }
  if (unresolved > 0) throw new CorruptObjectError(`${unresolved} deltas have no base in the pack`);
  return { checksum: checksum.toString("hex"), objects, idx: writeIdx(objects, checksum) };
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

export function hashObject(type: ObjectType, data: Buffer): string {
  const header = Buffer.from(`${type} ${data.length}\0`);
  // One-shot hashing of one buffer costs half of a Hash object fed twice; a
  // large object is fed twice rather than copied.
  if (data.length > 1024 * 1024)
    return createHash("sha1").update(header).update(data).digest("hex");
  return hash("sha1", Buffer.concat([header, data]), "hex");
}

function push<K>(map: Map<K, Entry[]>, key: K, e: Entry): void {
  const list = map.get(key);
  if (list) list.push(e);
  else map.set(key, [e]);
}
