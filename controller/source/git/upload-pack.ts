// The one request a fetch makes after ref discovery (gitprotocol-pack(5),
// stateless smart HTTP): the objects we want, the ones we have, `done`; and
// its answer: ACK/NAK lines, then the pack multiplexed on side-band channel 1.
import { defaultPackLimits, guardStream, type PackLimits } from "./limits.js";
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

/**
 * Reads the server's answer to `uploadPackRequest`: the pack's bytes as they
 * arrive (side-band 1), never the whole pack at once. The raw response is cut
 * at `limits.maxPackBytes`, its deadline or a drip (guardStream). Errors come
 * while iterating: ProtocolError for what the protocol does not allow or the
 * server reports, PackLimitError for a limit.
 */
export async function* readUploadPackResponse(
  body: AsyncIterable<Uint8Array>,
  limits: PackLimits = defaultPackLimits,
): AsyncGenerator<Buffer, void, undefined> {
  const guarded = guardStream(body, limits, limits.maxPackBytes, "the pack response");
  const lines = readPktLines(guarded);
  // Negotiation first: we sent every have and `done`, so ACK/NAK need no answer.
  for (;;) {
    const { value: pkt, done } = await lines.next();
    if (done) throw new ProtocolError("the server's response ended before the pack did");
    if (pkt === null) continue;
    if (/^(ACK|NAK)/.test(pkt.toString("latin1", 0, 3))) continue;
    yield* sideBandPayloads(prepend(pkt, lines));
    return;
  }
}

/**
 * Demultiplexes side-band-64k packets (gitprotocol-pack(5)): yields band 1's
 * payloads (the pack), drops band 2 (progress text), and throws a band 3 or an
 * `ERR` line as the server's error. The flush after the last band packet ends
 * it; a stream that ends before is cut short. Protocol v2's `packfile` section
 * is the same framing, so its reader hands its packets here too.
 */
export async function* sideBandPayloads(
  packets: AsyncIterable<Buffer | null>,
): AsyncGenerator<Buffer, void, undefined> {
  for await (const pkt of packets) {
    if (pkt === null) return; // the flush after the side-band packets ends the response
    const band = pkt[0];
    if (band === 1) {
      if (pkt.length > 1) yield pkt.subarray(1);
    } else if (band === 2) {
      continue; // progress text
    } else if (band === 3) {
      throw new ProtocolError(`remote error: ${text(pkt.subarray(1))}`);
    } else if (pkt.toString("latin1", 0, 4) === "ERR ") {
      throw new ProtocolError(`remote error: ${text(pkt.subarray(4))}`);
    } else {
      throw new ProtocolError(`unexpected line from the server: ${JSON.stringify(text(pkt))}`);
    }
  }
  throw new ProtocolError("the server's response ended before the pack did");
}

async function* prepend<T>(first: T, rest: AsyncIterator<T>): AsyncGenerator<T, void, undefined> {
  try {
    yield first;
    for (;;) {
      const { value, done } = await rest.next();
      if (done) return;
      yield value;
    }
  } finally {
    // Stopped early (an error, a limit): let the response underneath close.
    await rest.return?.();
  }
}

/** A message from the server, fit for a status field: control characters become spaces. */
function text(buf: Buffer): string {
  const printable = [...buf.toString("utf8")].map((ch) => (ch.charCodeAt(0) < 0x20 ? " " : ch));
  return printable.join("").trim().slice(0, 500);
}
