// The header of one object in a pack (gitformat-pack(5)): a type and an
// inflated size packed into a variable-length number, then for a delta the
// base it applies to. The zlib stream of its data follows.
import { CorruptObjectError } from "./delta.js";

export type ObjectType = "commit" | "tree" | "blob" | "tag";

export const OFS_DELTA = 6;
export const REF_DELTA = 7;

const TYPES: Record<number, ObjectType> = { 1: "commit", 2: "tree", 3: "blob", 4: "tag" };

export function objectType(code: number): ObjectType | undefined {
  return TYPES[code];
}

export interface EntryHeader {
  /** 1-4 for a whole object (see objectType), OFS_DELTA or REF_DELTA. */
  code: number;
  /** Inflated size of the entry's data: the object, or for a delta the delta itself. */
  size: number;
  /** Pack offset of the base of an OFS_DELTA. */
  baseOffset?: number;
  /** Object id of the base of a REF_DELTA. */
  baseOid?: string;
  /** Pack offset where the entry's zlib stream starts. */
  dataStart: number;
}

/**
 * Parses the header of the entry at pack offset `offset`, whose first byte is
 * `buf[pos]` (`buf` may hold the whole pack or only a slice read from disk).
 */
export function parseEntryHeader(buf: Uint8Array, pos: number, offset: number): EntryHeader {
  const start = pos;
  if (pos >= buf.length) throw truncatedAt(offset);
  let byte = buf[pos++]!;
  const code = (byte >> 4) & 7;
  let size = byte & 15;
  let shift = 4;
  while (byte & 0x80) {
    if (pos >= buf.length) throw truncatedAt(offset);
    byte = buf[pos++]!;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (shift > 53) throw new CorruptObjectError(`pack entry at ${offset} has a bad size`);
  }
  const header: EntryHeader = { code, size, dataStart: 0 };
  if (code === OFS_DELTA) {
    // A big-endian base-128 number where each continuation adds one (so no
    // two encodings mean the same distance).
    if (pos >= buf.length) throw truncatedAt(offset);
    byte = buf[pos++]!;
    let distance = byte & 0x7f;
    while (byte & 0x80) {
      if (pos >= buf.length) throw truncatedAt(offset);
      byte = buf[pos++]!;
      distance = (distance + 1) * 128 + (byte & 0x7f);
    }
    if (distance <= 0 || distance > offset - 12) {
      throw new CorruptObjectError(`pack entry at ${offset} points at a base outside the pack`);
    }
    header.baseOffset = offset - distance;
  } else if (code === REF_DELTA) {
    if (pos + 20 > buf.length) throw truncatedAt(offset);
    header.baseOid = Buffer.from(buf.buffer, buf.byteOffset + pos, 20).toString("hex");
    pos += 20;
  } else if (!objectType(code)) {
    throw new CorruptObjectError(`pack entry at ${offset} has unknown type ${code}`);
  }
  header.dataStart = offset + (pos - start);
  return header;
}

function truncatedAt(offset: number): CorruptObjectError {
  return new CorruptObjectError(`pack entry at ${offset} is truncated`);
}
