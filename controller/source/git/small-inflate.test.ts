// The TypeScript inflater against Node's zlib, the judge it defers to: on
// every stream zlib makes (any level, any strategy) it yields zlib's bytes
// and stops where zlib stops; on damaged streams it either yields what zlib
// yields or throws; cut short, it says so.
import zlib from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KubefoxError } from "../../errors.js";
import { InflateTruncatedError } from "./inflate.js";
import { inflateSmall } from "./small-inflate.js";

const { Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED } = zlib.constants;

/** Text-like bytes (what Git objects mostly are), with some binary runs. */
const content = fc
  .array(
    fc.oneof(
      fc.constantFrom("tree ", "parent ", "100644 app.yaml\0", "\n", "replicas: 2\n", "a"),
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString("latin1")),
      fc.string({ maxLength: 300 }),
    ),
    { maxLength: 200 },
  )
  .map((parts) => Buffer.from(parts.join(""), "latin1"));

const deflated = fc
  .record({
    data: content,
    level: fc.integer({ min: 0, max: 9 }),
    strategy: fc.constantFrom(Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED),
  })
  .map(({ data, level, strategy }) => ({
    data,
    stream: zlib.deflateSync(data, { level, strategy }),
  }));

describe("inflateSmall", () => {
  it("yields zlib's bytes and ends where the stream ends, with bytes after it", () => {
    fc.assert(
      fc.property(deflated, fc.uint8Array({ maxLength: 8 }), ({ data, stream }, after) => {
        const { data: out, end } = inflateSmall(Buffer.concat([stream, after]), 0, data.length);
        expect(out.equals(data)).toBe(true);
        expect(end).toBe(stream.length);
      }),
      { numRuns: 1000 },
    );
  });

  it("says the stream is cut short wherever it is cut", () => {
    fc.assert(
      fc.property(deflated, fc.nat(), ({ data, stream }, cut) => {
        const at = cut % stream.length;
        expect(() => inflateSmall(stream.subarray(0, at), 0, data.length)).toThrow(
          InflateTruncatedError,
        );
      }),
      { numRuns: 500 },
    );
  });

  it("on a damaged stream, yields what zlib yields or throws ours", () => {
    const damaged = fc
      .tuple(deflated, fc.nat(), fc.integer({ min: 1, max: 255 }))
      .map(([{ data, stream }, at, flip]) => {
        const copy = Buffer.from(stream);
        copy[at % copy.length]! ^= flip;
        return { size: data.length, stream: copy };
      });
    fc.assert(
      fc.property(damaged, ({ size, stream }) => {
        let ours: Buffer | undefined;
        try {
          ours = inflateSmall(stream, 0, size).data;
        } catch (err) {
          expect(err).toBeInstanceOf(KubefoxError);
        }
        if (ours) expect(ours.equals(zlib.inflateSync(stream))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses a stream that yields more or less than the stated size", () => {
    const stream = zlib.deflateSync(Buffer.from("hello, world\n".repeat(10)));
    expect(() => inflateSmall(stream, 0, 131)).toThrow(/less data/);
    expect(() => inflateSmall(stream, 0, 100)).toThrow(/more data/);
  });
});
