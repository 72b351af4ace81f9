// Inflate (RFC 1950 and 1951) in TypeScript, for the small objects that make
// up most of a pack: commits, trees, and the deltas between their versions,
// most under 1 KiB. Node's zlib is faster per byte, but each `inflateSync`
// builds a stream object and a native handle; over the 25,000 objects of the
// issue #16 benchmark that cost about 100 ms of a 400 ms clone, and as much
// again in garbage collection. This decoder allocates the output and nothing
// else per object.
//
// It is a fast path, not the judge: on any data it does not like it throws
// SmallInflateError and the caller asks Node's zlib, whose verdict stands. It
// never writes past `size` bytes, and the Adler-32 at the end of the stream
// is checked, so what it returns is exactly what zlib would.
import { CorruptObjectError } from "./delta.js";

/** The zlib stream stops at the end of the bytes given: more may follow (a pack still arriving). */
export class InflateTruncatedError extends CorruptObjectError {}

/** The data is not a zlib stream this decoder takes; Node's zlib decides. */
export class SmallInflateError extends CorruptObjectError {}

/** Codes up to this many bits are decoded by one table lookup; longer ones bit by bit. */
const FAST_BITS = 9;
const FAST_MASK = (1 << FAST_BITS) - 1;

const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258,
];
const LENGTH_EXTRA = [
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DISTANCE_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049,
  3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
/** The order in which a dynamic block lists the code lengths of its code-length code. */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/**
 * A canonical Huffman code: `fast[bits & mask]` is `symbol << 4 | length`
 * for codes up to `bits` (at most FAST_BITS) long, 0 where a longer code starts; `counts` and
 * `symbols` decode those bit by bit. The tables are made once and filled
 * again for every block: a table allocated per object cost more than the
 * inflating.
 */
class Huffman {
  readonly fast = new Int32Array(1 << FAST_BITS);
  readonly counts = new Uint16Array(16);
  readonly symbols: Uint16Array;
  /** How many bits the fast table is indexed by, and their mask. */
  bits = FAST_BITS;
  mask = FAST_MASK;
  private readonly offsets = new Uint16Array(16);

  constructor(maxSymbols: number) {
    this.symbols = new Uint16Array(maxSymbols);
  }

  /** Makes this the code whose symbol s has length lengths[from + s], for s < n. */
  fill(lengths: Uint8Array, from: number, n: number): this {
    const { counts, offsets, symbols, fast } = this;
    counts.fill(0);
    for (let s = 0; s < n; s++) counts[lengths[from + s]!]!++;
    counts[0] = 0;
    let left = 1;
    for (let len = 1; len < 16; len++) {
      left = (left << 1) - counts[len]!;
      if (left < 0) throw new SmallInflateError("over-subscribed Huffman code");
    }
    offsets[1] = 0;
    for (let len = 1; len < 15; len++) offsets[len + 1] = offsets[len]! + counts[len]!;
    for (let s = 0; s < n; s++) {
      const len = lengths[from + s]!;
      if (len) symbols[offsets[len]!++] = s;
    }
    // The table covers the longest code up to FAST_BITS: small objects' codes are short.
    let longest = 15;
    while (longest > 1 && counts[longest] === 0) longest--;
    this.bits = Math.min(longest, FAST_BITS);
    this.mask = (1 << this.bits) - 1;
    const slots = 1 << this.bits;
    fast.fill(0, 0, slots);
    let code = 0;
    let index = 0;
    for (let len = 1; len <= this.bits; len++) {
      for (let i = 0; i < counts[len]!; i++, index++, code++) {
        // Codes are sent from their first bit; the table is indexed by the bits as they arrive.
        let reversed = 0;
        for (let b = 0; b < len; b++) reversed |= ((code >> b) & 1) << (len - 1 - b);
        const entry = (symbols[index]! << 4) | len;
        for (let slot = reversed; slot < slots; slot += 1 << len) fast[slot] = entry;
      }
      code <<= 1;
    }
    return this;
  }
}

const fixedLengths = new Huffman(288);
const fixedDistances = new Huffman(30);
{
  const lengths = new Uint8Array(288);
  lengths.fill(8, 0, 144);
  lengths.fill(9, 144, 256);
  lengths.fill(7, 256, 280);
  lengths.fill(8, 280, 288);
  fixedLengths.fill(lengths, 0, 288);
  fixedDistances.fill(new Uint8Array(30).fill(5), 0, 30);
}
const dynamicLengths = new Huffman(288);
const dynamicDistances = new Huffman(32);
const codeLengthCode = new Huffman(19);
const lengths = new Uint8Array(320);

/** The decoder's place in its input, shared with the helpers (one inflate runs at a time). */
const at = {
  buf: new Uint8Array(0) as Uint8Array,
  pos: 0,
  end: 0,
  bitBuf: 0,
  bitCount: 0,
  start: 0,
};

function truncated(): never {
  throw new InflateTruncatedError(`object data at ${at.start} is cut short`);
}

/** The next `n` bits (at most 16), least significant first. */
function bits(n: number): number {
  while (at.bitCount < n) {
    if (at.pos >= at.end) truncated();
    at.bitBuf |= at.buf[at.pos++]! << at.bitCount;
    at.bitCount += 8;
  }
  const value = at.bitBuf & ((1 << n) - 1);
  at.bitBuf >>>= n;
  at.bitCount -= n;
  return value;
}

/** The next symbol of code `h`. */
function decode(h: Huffman): number {
  while (at.bitCount < h.bits && at.pos < at.end) {
    at.bitBuf |= at.buf[at.pos++]! << at.bitCount;
    at.bitCount += 8;
  }
  const entry = h.fast[at.bitBuf & h.mask]!;
  const len = entry & 15;
  if (len !== 0) {
    if (len > at.bitCount) truncated();
    at.bitBuf >>>= len;
    at.bitCount -= len;
    return entry >> 4;
  }
  // A long code, or no code at all: walk the canonical code a bit at a time.
  let code = 0;
  let first = 0;
  let index = 0;
  for (let l = 1; l < 16; l++) {
    code |= bits(1);
    const count = h.counts[l]!;
    if (code - first < count) return h.symbols[index + code - first]!;
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  throw new SmallInflateError("bad Huffman code");
}

/**
 * Inflates the zlib stream at `buf[start]`, which must yield exactly `size`
 * bytes. Throws InflateTruncatedError when `buf` ends first, SmallInflateError
 * for anything else it will not vouch for.
 */
export function inflateSmall(
  buf: Uint8Array,
  start: number,
  size: number,
): { data: Buffer; end: number } {
  at.buf = buf;
  at.pos = start;
  at.end = buf.length;
  at.bitBuf = 0;
  at.bitCount = 0;
  at.start = start;
  try {
    return inflateBlocks(size);
  } finally {
    at.buf = new Uint8Array(0);
  }
}

function inflateBlocks(size: number): { data: Buffer; end: number } {
  const { buf, end } = at;
  if (end - at.pos < 2) truncated();
  const cmf = buf[at.pos]!;
  const flg = buf[at.pos + 1]!;
  if ((cmf & 15) !== 8 || cmf >> 4 > 7 || (cmf * 256 + flg) % 31 !== 0 || flg & 0x20) {
    throw new SmallInflateError("not a zlib stream this decoder takes");
  }
  at.pos += 2;

  const out = Buffer.allocUnsafe(size);
  let outPos = 0;
  for (;;) {
    const final = bits(1);
    const type = bits(2);
    if (type === 0) {
      at.bitBuf = 0;
      at.bitCount = 0;
      const pos = at.pos;
      if (end - pos < 4) truncated();
      const len = buf[pos]! | (buf[pos + 1]! << 8);
      const nlen = buf[pos + 2]! | (buf[pos + 3]! << 8);
      if (len !== (~nlen & 0xffff)) throw new SmallInflateError("bad stored block");
      if (outPos + len > size) throw new SmallInflateError("more data than the object's size");
      if (end - pos - 4 < len) truncated();
      out.set(buf.subarray(pos + 4, pos + 4 + len), outPos);
      at.pos = pos + 4 + len;
      outPos += len;
    } else if (type === 3) {
      throw new SmallInflateError("bad block type");
    } else {
      const [litLen, dist] = type === 1 ? [fixedLengths, fixedDistances] : readDynamicCodes();
      for (;;) {
        const symbol = decode(litLen);
        if (symbol < 256) {
          if (outPos >= size) throw new SmallInflateError("more data than the object's size");
          out[outPos++] = symbol;
          continue;
        }
        if (symbol === 256) break;
        const li = symbol - 257;
        if (li >= 29) throw new SmallInflateError("bad length code");
        const length = LENGTH_BASE[li]! + bits(LENGTH_EXTRA[li]!);
        const di = decode(dist);
        if (di >= 30) throw new SmallInflateError("bad distance code");
        const distance = DISTANCE_BASE[di]! + bits(DISTANCE_EXTRA[di]!);
        if (distance > outPos) throw new SmallInflateError("distance before the start");
        if (outPos + length > size) throw new SmallInflateError("more data than the object's size");
        if (distance >= length) {
          out.copyWithin(outPos, outPos - distance, outPos - distance + length);
          outPos += length;
        } else {
          // Overlapping: each byte copies one written `distance` before it.
          for (let k = 0; k < length; k++, outPos++) out[outPos] = out[outPos - distance]!;
        }
      }
    }
    if (final) break;
  }
  if (outPos !== size) throw new SmallInflateError("less data than the object's size");
  // The Adler-32 of the output, big-endian, from the next whole byte.
  const pos = at.pos - (at.bitCount >> 3);
  if (end - pos < 4) truncated();
  const stated =
    ((buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!) >>> 0;
  if (stated !== adler32(out)) throw new SmallInflateError("Adler-32 does not match");
  return { data: out, end: pos + 4 };
}

/** A dynamic block's header: the code-length code, then the two codes through it. */
function readDynamicCodes(): [Huffman, Huffman] {
  const nLen = bits(5) + 257;
  const nDist = bits(5) + 1;
  const nCode = bits(4) + 4;
  if (nLen > 286 || nDist > 30) throw new SmallInflateError("bad dynamic block header");
  lengths.fill(0, 0, 19);
  for (let i = 0; i < nCode; i++) lengths[CODE_LENGTH_ORDER[i]!] = bits(3);
  codeLengthCode.fill(lengths, 0, 19);
  let i = 0;
  while (i < nLen + nDist) {
    const symbol = decode(codeLengthCode);
    if (symbol < 16) {
      lengths[i++] = symbol;
      continue;
    }
    let value = 0;
    let repeat: number;
    if (symbol === 16) {
      if (i === 0) throw new SmallInflateError("repeat with no previous length");
      value = lengths[i - 1]!;
      repeat = 3 + bits(2);
    } else if (symbol === 17) repeat = 3 + bits(3);
    else repeat = 11 + bits(7);
    if (i + repeat > nLen + nDist) throw new SmallInflateError("too many lengths");
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  if (lengths[256] === 0) throw new SmallInflateError("no end-of-block code");
  return [dynamicLengths.fill(lengths, 0, nLen), dynamicDistances.fill(lengths, nLen, nDist)];
}

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length;) {
    // 5552 bytes is the most that can be summed before b passes 2^32.
    const stop = Math.min(i + 5552, data.length);
    for (; i < stop; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
