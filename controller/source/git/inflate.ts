// Node's native zlib for Git's deflated data. A pack does not record where an
// object's zlib stream ends, so we ask zlib how many bytes it consumed.
import zlib from "node:zlib";
import { CorruptObjectError } from "./delta.js";
import { InflateTruncatedError, inflateSmall, SmallInflateError } from "./small-inflate.js";

export { InflateTruncatedError };

interface InflateInfo {
  buffer: Buffer;
  engine: { bytesWritten: number };
}

/** Output is grown in steps of at most this, so a stated size is never allocated up front. */
const MAX_CHUNK = 1024 * 1024;
/** Objects up to this size are inflated in TypeScript first (small-inflate.ts says why). */
const SMALL_OBJECT = 2048;

/**
 * Inflates the zlib stream that starts at `buf[start]` and must yield exactly
 * `size` bytes; returns them and the index just past the stream. zlib stops
 * at `size` (a stream that would go on fails), and its output grows as data
 * really comes out, so a header that lies about the size costs nothing; the
 * caller checks `size` against its limit first.
 */
export function inflateAt(
  buf: Buffer,
  start: number,
  size: number,
  limit = buf.length,
): { data: Buffer; end: number } {
  if (size <= SMALL_OBJECT) {
    try {
      return inflateSmall(limit === buf.length ? buf : buf.subarray(0, limit), start, size);
    } catch (err) {
      // Cut short is cut short; anything else, zlib judges.
      if (!(err instanceof SmallInflateError)) throw err;
    }
  }
  let result: InflateInfo;
  try {
    // `info` makes Node return the engine, whose bytesWritten is the input consumed.
    result = zlib.inflateSync(buf.subarray(start, limit), {
      info: true,
      chunkSize: Math.min(MAX_CHUNK, Math.max(64, size + 1)),
      maxOutputLength: Math.max(1, size),
    }) as unknown as InflateInfo;
  } catch (err) {
    const Failure =
      (err as NodeJS.ErrnoException).code === "Z_BUF_ERROR"
        ? InflateTruncatedError
        : CorruptObjectError;
    throw new Failure(`object data at ${start} does not inflate: ${(err as Error).message}`);
  }
  if (result.buffer.length !== size) {
    throw new CorruptObjectError(
      `object data at ${start} inflates to ${result.buffer.length} bytes, not ${size}`,
    );
  }
  return { data: result.buffer, end: start + result.engine.bytesWritten };
}

/** Inflates as much of a (possibly cut) zlib stream as its bytes allow, for reading headers. */
export function inflatePrefix(chunk: Uint8Array, maxOutput: number): Buffer {
  // Let the output run well past what is wanted before shortening the input: a
  // shortened input can end inside a dynamic Huffman table and yield no bytes at
  // all (small, compressible objects did, and read as "bad header").
  for (const limit of [Math.max(maxOutput, 1 << 16), 1 << 20]) {
    try {
      const out = zlib.inflateSync(chunk, {
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
        maxOutputLength: limit,
      });
      return out.subarray(0, maxOutput);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ERR_BUFFER_TOO_LARGE") {
        throw new CorruptObjectError(`object data does not inflate: ${(err as Error).message}`);
      }
    }
  }
  // More than a MiB from this much input: inflate a shorter prefix instead.
  return inflatePrefix(chunk.subarray(0, Math.floor(chunk.length / 2)), maxOutput);
}
