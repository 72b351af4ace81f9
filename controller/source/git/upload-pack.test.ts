import { describe, expect, it } from "vitest";
import { pktLine, FLUSH, ProtocolError } from "./pkt-line.js";
import { readUploadPackResponse, uploadPackRequest } from "./upload-pack.js";

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

describe("readUploadPackResponse", () => {
  it("returns the pack from side-band 1, skipping ACK/NAK and progress", async () => {
    const pack = await readUploadPackResponse(
      chunks(pktLine("NAK\n"), band(2, "counting"), band(1, "PACK"), band(1, "rest"), FLUSH),
    );
    expect(pack.toString()).toBe("PACKrest");
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
    const err = await readUploadPackResponse(chunks(...parts)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as Error).message).toContain(message);
  });
});
