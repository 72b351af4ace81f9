// Git's delta format (gitformat-pack(5), "Deltified representation"): the
// base's size and the result's size as little-endian base-128 numbers, then
// instructions that copy a range of the base or insert literal bytes.
import { KubefoxError } from "../../errors.js";
import { checkSize, defaultPackLimits } from "./limits.js";

/** A pack or object that breaks Git's formats: corrupt, truncated or hostile. A fresh fetch may bring it whole. */
export class CorruptObjectError extends KubefoxError {
  readonly code = "SourceUnavailable";
  readonly retry = "backoff";
}

/** Reads one size from a delta's header; returns it and where the next field starts. */
function readSize(delta: Uint8Array, pos: number): [number, number] {
  let size = 0;
  let shift = 0;
  let byte: number;
  do {
    if (pos >= delta.length) throw new CorruptObjectError("delta header is truncated");
    byte = delta[pos++]!;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80 && shift < 64);
  return [size, pos];
}

/** The size of the object a delta produces, from the first bytes of the delta alone. */
export function deltaResultSize(deltaStart: Uint8Array): number {
  const [, next] = readSize(deltaStart, 0);
  return readSize(deltaStart, next)[0];
}

/**
 * Applies a delta to its base. The sizes the delta states are checked (the
 * base's against the base we hold, the result's against `maxResultBytes`)
 * before its result is allocated.
 */
export function applyDelta(
  base: Buffer,
  delta: Buffer,
  maxResultBytes = defaultPackLimits.maxObjectBytes,
): Buffer {
  const [baseSize, afterBase] = readSize(delta, 0);
  const [resultSize, start] = readSize(delta, afterBase);
  if (baseSize !== base.length) {
    throw new CorruptObjectError(`delta expects a base of ${baseSize} bytes, got ${base.length}`);
  }
  checkSize("the object a delta makes", resultSize, maxResultBytes);
  const out = Buffer.allocUnsafe(resultSize);
  let o = 0;
  let i = start;
  while (i < delta.length) {
    const op = delta[i++]!;
    if (op & 0x80) {
      // Copy from the base: which offset and size bytes are present is in the op's bits.
      let offset = 0;
      let size = 0;
      for (let bit = 0; bit < 4; bit++) {
        if (op & (1 << bit)) offset += delta[i++]! * 2 ** (8 * bit);
      }
      for (let bit = 0; bit < 3; bit++) {
        if (op & (0x10 << bit)) size += delta[i++]! * 2 ** (8 * bit);
      }
      if (size === 0) size = 0x10000;
      if (i > delta.length || offset + size > base.length || o + size > resultSize) {
        throw new CorruptObjectError("delta copies outside its base or result");
      }
      base.copy(out, o, offset, offset + size);
      o += size;
    } else if (op !== 0) {
      if (i + op > delta.length || o + op > resultSize) {
        throw new CorruptObjectError("delta inserts past its end");
      }
      delta.copy(out, o, i, i + op);
      i += op;
      o += op;
    } else {
      throw new CorruptObjectError("delta has a reserved instruction (0)");
    }
  }
  if (o !== resultSize) throw new CorruptObjectError("delta result is shorter than it says");
  return out;
}
