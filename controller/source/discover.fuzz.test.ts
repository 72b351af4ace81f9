// Property test (fast-check) of ref discovery (issue 16): a real HTTP server of
// this test's own answers info/refs with arbitrary bytes and with a valid
// advertisement mutated; discovery either lists refs or throws one of our
// typed errors, and a list past the limits on refs or bytes is refused.
import http from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubefoxError } from "../errors.js";
import { discoverRefs } from "./discover.js";
import { defaultPackLimits, PackLimitError } from "./git/limits.js";
import { pktLine } from "./git/pkt-line.js";
import { httpClient } from "./http.js";

const limits = { ...defaultPackLimits, maxRefs: 20, maxAdvertisementBytes: 4096 };
const oid = "a".repeat(40);

function advertisement(refs: number): Buffer {
  const lines = [pktLine("# service=git-upload-pack\n"), Buffer.from("0000")];
  lines.push(pktLine(`${oid} HEAD\0side-band-64k ofs-delta symref=HEAD:refs/heads/main\n`));
  for (let i = 0; i < refs; i++) lines.push(pktLine(`${oid} refs/heads/b${i}\n`));
  lines.push(Buffer.from("0000"));
  return Buffer.concat(lines);
}

let body: Buffer = Buffer.alloc(0);
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/x-git-upload-pack-advertisement" });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo.git`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("ref discovery", () => {
  it("lists refs or throws ours, for any answer", async () => {
    const valid = advertisement(3);
    const mutated = fc
      .tuple(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        fc.nat(),
      )
      .map(([edits, cut]) => {
        const out = Buffer.from(valid);
        for (const [at, byte] of edits) out[at % out.length] = byte;
        return out.subarray(0, out.length - (cut % 8));
      });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
          mutated,
        ),
        async (answer) => {
          body = answer;
          try {
            const found = await discoverRefs(httpClient(5000), url, {}, 1, limits);
            if (found.version === 0)
              expect(found.discovery.listing.size).toBeLessThanOrEqual(limits.maxRefs);
          } catch (err) {
            expect(err).toBeInstanceOf(KubefoxError);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("calls a symref without its colon a list that does not parse (found by the property)", async () => {
    body = Buffer.from(
      advertisement(3).toString("latin1").replace("HEAD:refs", "HEAD\x01refs"),
      "latin1",
    );
    await expect(discoverRefs(httpClient(5000), url, {}, 1, limits)).rejects.toThrow(
      /the server's list of refs does not parse/,
    );
  });

  it.each([
    [limits.maxRefs + 5, /the server lists more than 20 refs/],
    [15, undefined],
  ])("refuses a list past the limit on refs (%i refs)", async (refs, refused) => {
    body = advertisement(refs);
    const result = discoverRefs(httpClient(5000), url, {}, 1, limits);
    if (refused) await expect(result).rejects.toThrow(refused);
    else expect(await result).toMatchObject({ version: 0, discovery: { listing: { size: refs } } });
  });

  it("refuses a list past the limit on bytes", async () => {
    body = advertisement(100);
    const err = await discoverRefs(httpClient(5000), url, {}, 1, {
      ...limits,
      maxRefs: 1000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackLimitError);
    expect((err as Error).message).toBe("the list of refs is over the limit of 4 KiB");
  });
});
