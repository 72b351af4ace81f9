import { describe, expect, it } from "vitest";
import { FLUSH, pktLine, ProtocolError } from "./pkt-line.js";
import {
  collectPack,
  DELIM,
  fetchRequest,
  isVersion2,
  packetsUntilFlush,
  parseCapabilities,
  readFetchResponse,
} from "./protocol-v2.js";

const want = "a".repeat(40);
const have = "b".repeat(40);

async function* bytes(...parts: Buffer[]): AsyncGenerator<Uint8Array> {
  // One byte at a time: packets must survive any split.
  for (const byte of Buffer.concat(parts)) yield Uint8Array.of(byte);
}

const band = (n: number, data: string) => pktLine(Buffer.concat([Buffer.of(n), Buffer.from(data)]));
const lines = (...text: string[]) => text.map((t) => Buffer.from(t));

// What git upload-pack 2.39 advertises, as recorded from `git http-backend`.
const advertised = lines(
  "agent=git/2.39.5\n",
  "ls-refs=unborn\n",
  "fetch=shallow wait-for-done\n",
  "server-option\n",
  "object-format=sha1\n",
  "object-info\n",
);

describe("parseCapabilities", () => {
  it("reads key=value lines", () => {
    const caps = parseCapabilities(advertised);
    expect(caps.get("fetch")).toBe("shallow wait-for-done");
    expect(caps.get("server-option")).toBe("");
    expect(caps.get("agent")).toBe("git/2.39.5");
  });

  it("refuses a server without ls-refs or fetch, or with sha256 ids", () => {
    expect(() => parseCapabilities(lines("agent=x\n", "fetch\n"))).toThrow(ProtocolError);
    expect(() =>
      parseCapabilities(lines("ls-refs\n", "fetch\n", "object-format=sha256\n")),
    ).toThrow(/sha256/);
  });

  it("tells v2 from a v0 advertisement by its first line", () => {
    expect(isVersion2(Buffer.from("version 2\n"))).toBe(true);
    expect(isVersion2(Buffer.from(`${want} HEAD\0multi_ack\n`))).toBe(false);
    expect(isVersion2(undefined)).toBe(false);
  });
});

describe("fetchRequest", () => {
  it("is command=fetch, capabilities, a delimiter, arguments with done, a flush", () => {
    const body = fetchRequest({
      wants: [want],
      haves: [have],
      server: parseCapabilities(advertised),
      agent: "git/test",
    });
    expect(body.toString()).toBe(
      "0012command=fetch\n" +
        "0013agent=git/test\n" +
        "0017object-format=sha1\n" +
        "0001" +
        "000eofs-delta\n" +
        "0010no-progress\n" +
        `0032want ${want}\n` +
        `0032have ${have}\n` +
        "0009done\n" +
        "0000",
    );
  });
});

describe("readFetchResponse", () => {
  it("yields the packfile section's band 1, after other sections, dropping progress", async () => {
    const pack = await collectPack(
      readFetchResponse(
        bytes(
          pktLine("acknowledgments\n"),
          pktLine("NAK\n"),
          DELIM,
          pktLine("packfile\n"),
          band(2, "Enumerating objects"),
          band(1, "PACK"),
          band(1, "rest"),
          FLUSH,
        ),
      ),
    );
    expect(pack.toString()).toBe("PACKrest");
  });

  it("streams the pack as it arrives", async () => {
    const parts: string[] = [];
    for await (const part of readFetchResponse(
      bytes(pktLine("packfile\n"), band(1, "one"), band(1, "two"), FLUSH),
    )) {
      parts.push(part.toString());
    }
    expect(parts).toEqual(["one", "two"]);
  });

  it.each([
    [
      "a band 3 error",
      [pktLine("packfile\n"), band(3, "upload-pack: out of memory"), FLUSH],
      /remote error: upload-pack: out of memory/,
    ],
    ["an ERR line", [pktLine("ERR access denied\n")], /remote error: access denied/],
    ["an answer cut short", [pktLine("packfile\n"), band(1, "PA")], /ended before the pack/],
    ["an unknown section", [pktLine("surprise\n"), FLUSH], /unexpected section/],
    ["a bad band", [pktLine("packfile\n"), band(7, "x"), FLUSH], /side-band 7/],
  ])("fails on %s", async (_, parts, message) => {
    await expect(collectPack(readFetchResponse(bytes(...parts)))).rejects.toThrow(message);
  });
});

describe("packetsUntilFlush", () => {
  it("stops at the first flush and fails when there is none", async () => {
    expect(
      (await packetsUntilFlush(bytes(pktLine("a\n"), pktLine("b\n"), FLUSH, pktLine("c\n")))).map(
        String,
      ),
    ).toEqual(["a\n", "b\n"]);
    await expect(packetsUntilFlush(bytes(pktLine("a\n")))).rejects.toThrow(ProtocolError);
  });
});
