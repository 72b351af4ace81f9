// The one request a fetch makes after ref discovery (gitprotocol-pack(5),
// stateless smart HTTP): the objects we want, the ones we have, `done`; and
// its answer: ACK/NAK lines, then the pack multiplexed on side-band channel 1.
import { FLUSH, pktLine, ProtocolError, readPktLines } from "./pkt-line.js";

/** What we ask for, when the server offers it: a multiplexed pack with offset deltas, no chatter. */
const WANTED_CAPABILITIES = ["side-band-64k", "ofs-delta", "no-progress"];

export function uploadPackRequest(options: {
  wants: string[];
  haves: string[];
  serverCapabilities: ReadonlySet<string>;
  agent: string;
}): Buffer {
  const { wants, haves, serverCapabilities } = options;
  if (wants.length === 0) throw new Error("uploadPackRequest needs at least one want");
  if (!serverCapabilities.has("side-band-64k")) {
    throw new ProtocolError("the server does not offer side-band-64k");
  }
  const caps = WANTED_CAPABILITIES.filter((c) => serverCapabilities.has(c));
  caps.push(`agent=${options.agent}`);
  const lines: Buffer[] = wants.map((oid, i) =>
    pktLine(i === 0 ? `want ${oid} ${caps.join(" ")}\n` : `want ${oid}\n`),
  );
  lines.push(FLUSH);
  for (const oid of haves) lines.push(pktLine(`have ${oid}\n`));
  lines.push(pktLine("done\n"));
  return Buffer.concat(lines);
}

/** Reads the server's answer to `uploadPackRequest` and returns the pack's bytes. */
export async function readUploadPackResponse(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const pack: Buffer[] = [];
  let inPack = false;
  for await (const pkt of readPktLines(body)) {
    if (pkt === null) {
      // The flush after the side-band packets ends the response.
      if (inPack) return Buffer.concat(pack);
      continue;
    }
    const band = pkt[0];
    if (band === 1 || band === 2) {
      inPack = true;
      if (band === 1) pack.push(pkt.subarray(1)); // band 2 is progress text
    } else if (band === 3) {
      throw new ProtocolError(`remote error: ${text(pkt.subarray(1))}`);
    } else if (pkt.toString("latin1", 0, 4) === "ERR ") {
      throw new ProtocolError(`remote error: ${text(pkt.subarray(4))}`);
    } else if (!inPack && /^(ACK|NAK)/.test(pkt.toString("latin1", 0, 3))) {
      continue; // negotiation: we sent every have and `done`, so nothing to answer
    } else {
      throw new ProtocolError(`unexpected line from the server: ${JSON.stringify(text(pkt))}`);
    }
  }
  throw new ProtocolError("the server's response ended before the pack did");
}

/** A message from the server, fit for a status field: control characters become spaces. */
function text(buf: Buffer): string {
  const printable = [...buf.toString("utf8")].map((ch) => (ch.charCodeAt(0) < 0x20 ? " " : ch));
  return printable.join("").trim().slice(0, 500);
}
