// Property tests (fast-check) of everything that reads a Git server's bytes
// (issue 16): pkt-lines, side-band, pack entry headers, inflate, deltas and the
// streaming indexer. For arbitrary input and for valid input mutated, nothing
// throws but our own typed errors, and no buffer is allocated past the limits,
// which are set low here so that a size taken from the input would show.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { KubefoxError } from "../../errors.js";
import { applyDelta } from "./delta.js";
import { indexPackStream } from "./index-pack.js";
import { inflateAt } from "./inflate.js";
import { defaultPackLimits, type PackLimits } from "./limits.js";
import { parseEntryHeader } from "./pack-entry.js";
import { PktCounter, pktLine, readPktLines } from "./pkt-line.js";
import { readUploadPackResponse } from "./upload-pack.js";

const KiB = 1024;
const limits: PackLimits = {
  ...defaultPackLimits,
  maxObjectBytes: 16 * KiB,
  maxObjects: 64,
  maxPackBytes: 256 * KiB,
  cacheBytes: 8 * KiB,
};
/** No allocation may pass this: an object, a delta's result beside it, and a read chunk. */
const ALLOCATION_BOUND = 2 * limits.maxObjectBytes + 128 * KiB;

let largest = 0;
function watchAllocations(): void {
  largest = 0;
  for (const name of ["alloc", "allocUnsafe", "allocUnsafeSlow"] as const) {
    const original = Buffer[name].bind(Buffer);
    vi.spyOn(Buffer, name).mockImplementation(((size: number, ...rest: unknown[]) => {
      largest = Math.max(largest, size);
      return (original as (...a: unknown[]) => Buffer)(size, ...rest);
    }) as never);
  }
}
afterEach(() => vi.restoreAllMocks());

/** Runs `fn`; anything it throws must be ours. */
async function onlyTypedErrors(fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof KubefoxError)) throw err;
  }
}

async function* chunked(data: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let pos = 0;
  for (let i = 0; pos < data.length; i++) {
    const n = Math.max(1, sizes[i % Math.max(1, sizes.length)] ?? data.length);
    yield data.subarray(pos, pos + n);
    pos += n;
  }
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) void _;
}

/** Valid input with a few bytes overwritten, cut, or extended. */
function mutated(valid: Buffer): fc.Arbitrary<Buffer> {
  return fc
    .record({
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      cut: fc.option(fc.nat()),
      extra: fc.uint8Array({ maxLength: 16 }),
    })
    .map(({ edits, cut, extra }) => {
      const out = Buffer.from(valid);
      for (const [at, byte] of edits) out[at % out.length] = byte;
      const kept = cut === null ? out : out.subarray(0, cut % (out.length + 1));
      return Buffer.concat([kept, extra]);
    });
}

const bytes = fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a));
const splits = fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 8 });

describe("pkt-lines and side-band", () => {
  const valid = Buffer.concat([
    pktLine("NAK\n"),
    pktLine(Buffer.concat([Buffer.of(2), Buffer.from("Counting objects\r")])),
    pktLine(Buffer.concat([Buffer.of(1), Buffer.from("PACK....")])),
    Buffer.from("0000"),
  ]);

  it("never throws but ours, whatever the bytes and however they are split", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(bytes, mutated(valid)), splits, async (input, sizes) => {
        await onlyTypedErrors(() => drain(readPktLines(chunked(input, sizes))));
        await onlyTypedErrors(() => drain(readUploadPackResponse(chunked(input, sizes), limits)));
        await onlyTypedErrors(() => new PktCounter().add(input));
      }),
      { numRuns: 300 },
    );
  });

  it("never holds more than one packet back, whatever length a line claims", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 0xffff }), bytes, async (length, rest) => {
        watchAllocations();
        const input = Buffer.concat([Buffer.from(length.toString(16).padStart(4, "0")), rest]);
        await onlyTypedErrors(() => drain(readPktLines(chunked(input, [7]))));
        expect(largest).toBeLessThanOrEqual(65520 + 64);
        vi.restoreAllMocks();
      }),
      { numRuns: 200 },
    );
  });
});

describe("pack entry headers", () => {
  it("never throw but ours, and a size is only ever a number", () => {
    fc.assert(
      fc.property(bytes, fc.nat({ max: 1 << 20 }), (input, offset) => {
        try {
          const header = parseEntryHeader(input, 0, offset + 12);
          expect(Number.isFinite(header.size)).toBe(true);
          expect(header.dataStart).toBeGreaterThan(offset);
        } catch (err) {
          expect(err).toBeInstanceOf(KubefoxError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("inflate", () => {
  const text = Buffer.from("apiVersion: kubefox.io/v1alpha1\nkind: App\n".repeat(20));
  const valid = zlib.deflateSync(text);

  it("yields exactly the stated size or throws ours, allocating no more than it yields", () => {
    fc.assert(
      fc.property(
        fc.oneof(bytes, mutated(valid)),
        fc.integer({ min: 0, max: 4 * 1024 ** 3 }),
        (input, size) => {
          watchAllocations();
          try {
            const { data } = inflateAt(input, 0, Math.min(size, limits.maxObjectBytes));
            expect(data.length).toBe(Math.min(size, limits.maxObjectBytes));
          } catch (err) {
            expect(err).toBeInstanceOf(KubefoxError);
          }
          // A stated size is never allocated up front: zlib's output grows as it comes.
          expect(largest).toBeLessThanOrEqual(ALLOCATION_BOUND);
          vi.restoreAllMocks();
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("applyDelta", () => {
  const base = Buffer.from("hello, world");
  const size = (n: number) => {
    const out: number[] = [];
    do {
      out.push((n % 128) | (n >= 128 ? 0x80 : 0));
      n = Math.floor(n / 128);
    } while (n > 0);
    return out;
  };

  it("never throws but ours and never allocates a result past the limit it is given", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.boolean(),
        (resultSize, ops, rightBase) => {
          watchAllocations();
          const delta = Buffer.from([
            ...size(rightBase ? base.length : resultSize % 50),
            ...size(resultSize),
            ...ops,
          ]);
          try {
            const out = applyDelta(base, delta, limits.maxObjectBytes);
            expect(out.length).toBe(resultSize);
          } catch (err) {
            expect(err).toBeInstanceOf(KubefoxError);
          }
          expect(largest).toBeLessThanOrEqual(limits.maxObjectBytes);
          vi.restoreAllMocks();
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("the streaming indexer", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "kubefox-fuzz-pack-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** A small valid pack: blobs, one of them incompressible, and an offset delta. */
  function validPack(): Buffer {
    const entry = (type: number, data: Buffer, extra = Buffer.alloc(0)) => {
      const head = [(type << 4) | (data.length & 15)];
      let rest = data.length >> 4;
      while (rest > 0) {
        head[head.length - 1]! |= 0x80;
        head.push(rest & 0x7f);
        rest >>= 7;
      }
      return Buffer.concat([Buffer.from(head), extra, zlib.deflateSync(data)]);
    };
    const first = entry(3, Buffer.from("hello, world"));
    const delta = entry(
      6,
      Buffer.from([12, 11, 0x91, 7, 5, 1, 0x21, 0x90, 5]),
      Buffer.of(first.length),
    );
    const header = Buffer.from("PACK\0\0\0\x02\0\0\0\x04", "latin1");
    const body = Buffer.concat([
      header,
      first,
      delta,
      entry(3, randomBytes(3000)),
      entry(1, Buffer.from("tree x\n")),
    ]);
    return Buffer.concat([body, createHash("sha1").update(body).digest()]);
  }

  it("never throws but ours and allocates within the limits, for any pack", async () => {
    const valid = validPack();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(bytes, mutated(valid)), splits, async (input, sizes) => {
        const file = await open(path.join(dir, `p${n++}`), "w+");
        watchAllocations();
        try {
          await onlyTypedErrors(() => indexPackStream(chunked(input, sizes), file, limits));
          expect(largest).toBeLessThanOrEqual(ALLOCATION_BOUND);
        } finally {
          vi.restoreAllMocks();
          await file.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  it("indexes the valid pack however it is split", async () => {
    const file = await open(path.join(dir, "valid"), "w+");
    try {
      const indexed = await indexPackStream(chunked(validPack(), [5, 17, 1]), file, limits);
      expect(indexed?.objects).toHaveLength(4);
    } finally {
      await file.close();
    }
  });
});
