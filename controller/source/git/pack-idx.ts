// The pack index, version 2 (gitformat-pack(5)): a 256-entry fan-out table by
// first byte, the sorted object ids, their CRC32s, their pack offsets (with a
// 64-bit table for offsets past 2 GiB), then the pack's and its own checksum.
// We write it for packs we receive and read it (ours or git's) to find objects.
import { createHash } from "node:crypto";
import { CorruptObjectError } from "./delta.js";

const MAGIC = Buffer.from([0xff, 0x74, 0x4f, 0x63]);
const LARGE = 0x80000000;

export interface IdxEntry {
  oid: string;
  offset: number;
  crc: number;
}

/** Builds an idx for `entries` (any order, ids unique). */
export function writeIdx(entries: IdxEntry[], packChecksum: Buffer): Buffer {
  const sorted = inOrder(entries)
    ? entries
    : [...entries].sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
  const n = sorted.length;
  const large = sorted.filter((e) => e.offset >= LARGE);
  const out = Buffer.alloc(8 + 1024 + n * 28 + large.length * 8 + 40);
  MAGIC.copy(out, 0);
  out.writeUInt32BE(2, 4);
  const fanout = new Uint32Array(256);
  for (const e of sorted) fanout[(hexDigit(e.oid, 0) << 4) | hexDigit(e.oid, 1)]! += 1;
  let running = 0;
  for (let i = 0; i < 256; i++) {
    running += fanout[i]!;
    out.writeUInt32BE(running, 8 + i * 4);
  }
  const names = 8 + 1024;
  const crcs = names + n * 20;
  const offsets = crcs + n * 4;
  const largeOffsets = offsets + n * 4;
  let nextLarge = 0;
  sorted.forEach((e, i) => {
    out.write(e.oid, names + i * 20, "hex");
    out.writeUInt32BE(e.crc >>> 0, crcs + i * 4);
    if (e.offset < LARGE) {
      out.writeUInt32BE(e.offset, offsets + i * 4);
    } else {
      out.writeUInt32BE((LARGE | nextLarge) >>> 0, offsets + i * 4);
      out.writeBigUInt64BE(BigInt(e.offset), largeOffsets + nextLarge * 8);
      nextLarge++;
    }
  });
  const trailer = largeOffsets + large.length * 8;
  packChecksum.copy(out, trailer);
  createHash("sha1")
    .update(out.subarray(0, trailer + 20))
    .digest()
    .copy(out, trailer + 20);
  return out;
}

function inOrder(entries: IdxEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) if (entries[i - 1]!.oid >= entries[i]!.oid) return false;
  return true;
}

function hexDigit(hex: string, i: number): number {
  const c = hex.charCodeAt(i);
  return c <= 57 ? c - 48 : (c | 32) - 87;
}

/** A parsed idx: lookups by id or id prefix, without loading the pack. */
export class PackIdx {
  readonly count: number;
  private readonly names: number;
  private readonly offsets: number;
  private readonly largeOffsets: number;

  constructor(private readonly buf: Buffer) {
    if (
      buf.length < 8 + 1024 + 40 ||
      !buf.subarray(0, 4).equals(MAGIC) ||
      buf.readUInt32BE(4) !== 2
    ) {
      throw new CorruptObjectError("not a version 2 pack index");
    }
    this.count = buf.readUInt32BE(8 + 255 * 4);
    this.names = 8 + 1024;
    this.offsets = this.names + this.count * 24;
    this.largeOffsets = this.offsets + this.count * 4;
    if (buf.length < this.largeOffsets + 40)
      throw new CorruptObjectError("pack index is truncated");
  }

  /** Pack offset of `oid` (40 hex), or undefined. */
  find(oid: string): number | undefined {
    const key = Buffer.from(oid, "hex");
    if (key.length !== 20) return undefined;
    let [lo, hi] = this.bucket(key[0]!);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const cmp = this.buf.compare(key, 0, 20, this.names + mid * 20, this.names + mid * 20 + 20);
      if (cmp === 0) return this.offsetAt(mid);
      // `compare` is target-vs-source: negative when the entry sorts before the key.
      if (cmp < 0) lo = mid + 1;
      else hi = mid;
    }
    return undefined;
  }

  /** Every id starting with `prefix` (lowercase hex, at least 2 characters). */
  withPrefix(prefix: string): string[] {
    const [lo, hi] = this.bucket(Number.parseInt(prefix.slice(0, 2), 16));
    const found: string[] = [];
    for (let i = lo; i < hi; i++) {
      const oid = this.oidAt(i);
      if (oid.startsWith(prefix)) found.push(oid);
    }
    return found;
  }

  oidAt(i: number): string {
    return this.buf.toString("hex", this.names + i * 20, this.names + i * 20 + 20);
  }

  private bucket(firstByte: number): [number, number] {
    const lo = firstByte === 0 ? 0 : this.buf.readUInt32BE(8 + (firstByte - 1) * 4);
    return [lo, this.buf.readUInt32BE(8 + firstByte * 4)];
  }

  private offsetAt(i: number): number {
    const small = this.buf.readUInt32BE(this.offsets + i * 4);
    if (!(small & LARGE)) return small;
    return Number(this.buf.readBigUInt64BE(this.largeOffsets + (small & ~LARGE) * 8));
  }
}
