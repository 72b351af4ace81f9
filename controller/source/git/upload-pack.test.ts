import { describe, expect, it } from "vitest";
import { defaultPackLimits, guardStream, PackLimitError } from "./limits.js";
import { pktLine, FLUSH, ProtocolError, readPktLines } from "./pkt-line.js";
import { readUploadPackResponse, sideBandPayloads, uploadPackRequest } from "./upload-pack.js";

const want = "a".repeat(40);
const have = "b".repeat(40);

async function* chunks(...parts: Buffer[]): AsyncGenerator<Uint8Array> {
  // One byte at a time: packets must survive any split.
  for (const byte of Buffer.concat(parts)) yield Uint8Array.of(byte);
}

const band = (n: number, data: string) => pktLine(Buffer.concat([Buffer.of(n), Buffer.from(data)]));

describe("uploadPackRequest", () => {
  it("asks for the capabilities the server offers, then wants, haves and done", () => {
    const body = uploadPackRequest({
      wants: [want, have],
      haves: [have],
      serverCapabilities: new Set(["side-band-64k", "ofs-delta", "multi_ack"]),
      agent: "git/test",
    }).toString();
    expect(body).toBe(
      `0059want ${want} side-band-64k ofs-delta agent=git/test\n` +
        `0032want ${have}\n0000` +
        `0032have ${have}\n0009done\n`,
    );
  });
});

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

describe("readUploadPackResponse", () => {
  it("yields the pack from side-band 1, skipping ACK/NAK and progress", async () => {
    const pack = await collect(
      readUploadPackResponse(
        chunks(pktLine("NAK\n"), band(2, "counting"), band(1, "PACK"), band(1, "rest"), FLUSH),
      ),
    );
    expect(pack.toString()).toBe("PACKrest");
  });

  it("cuts a response past its byte limit, and a pkt-line longer than Git's", async () => {
    const limits = { ...defaultPackLimits, maxPackBytes: 100 };
    const err = await collect(
      readUploadPackResponse(
        chunks(pktLine("NAK\n"), ...Array(20).fill(band(1, "x".repeat(10)))),
        limits,
      ),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackLimitError);
    expect((err as Error).message).toBe("the pack response is over the limit of 100 bytes");
    const long = await collect(readUploadPackResponse(chunks(Buffer.from("fff1")))).catch(
      (e: unknown) => e,
    );
    expect((long as Error).message).toBe("pkt-line length 65521 is over Git's 65520");
  });

  it("cuts a response that slows to a drip", async () => {
    let clock = 0;
    async function* drip(): AsyncGenerator<Uint8Array> {
      for (const byte of band(1, "PACK".repeat(100))) {
        clock += 1000;
        yield Uint8Array.of(byte);
      }
    }
    const limits = { ...defaultPackLimits, windowMs: 10_000, minWindowBytes: 100 };
    const err = await collect(
      sideBandPayloads(
        readPktLines(guardStream(drip(), limits, Infinity, "the pack response", () => clock)),
      ),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackLimitError);
    expect((err as Error).message).toMatch(/^the pack response slowed to 10 bytes in 10.0s/);
  });

  it.each([
    [
      "a remote error on band 3",
      [pktLine("NAK\n"), band(3, "fatal: bad object\n")],
      "remote error: fatal: bad object",
    ],
    [
      "an ERR line",
      [pktLine("ERR upload-pack: not our ref\n")],
      "remote error: upload-pack: not our ref",
    ],
    [
      "a response cut before its flush",
      [pktLine("NAK\n"), band(1, "PACK")],
      "ended before the pack did",
    ],
    [
      "a response cut mid-packet",
      [pktLine("NAK\n"), Buffer.from("00ff\x01PA")],
      "middle of a packet",
    ],
    ["a bad length", [Buffer.from("zzzz")], "bad pkt-line length"],
  ])("fails on %s", async (_what, parts, message) => {
    const err = await collect(readUploadPackResponse(chunks(...parts))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as Error).message).toContain(message);
  });
});
