// Git's pkt-line framing (gitprotocol-common(5)): a 4-hex-digit length that
// counts itself, then the payload; "0000" is a flush. Everything the smart HTTP
// protocol says travels in these.
import { KubefoxError } from "../../errors.js";

/** Thrown when bytes from the server are not what the protocol allows (a proxy's page, a cut-off stream). */
export class ProtocolError extends KubefoxError {
  readonly code = "SourceUnavailable";
  readonly retry = "backoff";
}

/** The longest pkt-line Git sends or accepts, its 4-byte length included. */
export const MAX_PKT = 65520;

export const FLUSH = Buffer.from("0000");

export function pktLine(payload: string | Buffer): Buffer {
  const data = typeof payload === "string" ? Buffer.from(payload) : payload;
  if (data.length + 4 > MAX_PKT) throw new ProtocolError(`pkt-line too long (${data.length})`);
  return Buffer.concat([Buffer.from((data.length + 4).toString(16).padStart(4, "0")), data]);
}

/**
 * Splits a byte stream into packets as they arrive: a Buffer per data packet,
 * `null` per flush (and per delimiter, "0001", which only protocol v2 uses).
 */
export async function* readPktLines(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<Buffer | null, void, undefined> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of body) {
    // At most one packet's bytes (65,520) are held back between chunks.
    pending = pending.length
      ? Buffer.concat([pending, chunk])
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    let pos = 0;
    while (pending.length - pos >= 4) {
      const length = parseLength(pending, pos);
      if (length < 4) {
        yield null;
        pos += 4;
        continue;
      }
      if (pending.length - pos < length) break;
      yield pending.subarray(pos + 4, pos + length);
      pos += length;
    }
    pending = pending.subarray(pos);
  }
  if (pending.length > 0)
    throw new ProtocolError("the server's response ends in the middle of a packet");
}

function parseLength(buf: Buffer, pos: number): number {
  const hex = buf.toString("latin1", pos, pos + 4);
  if (!/^[0-9a-f]{4}$/i.test(hex))
    throw new ProtocolError(`bad pkt-line length ${JSON.stringify(hex)}`);
  const length = Number.parseInt(hex, 16);
  if (length === 3) throw new ProtocolError(`bad pkt-line length ${hex}`);
  // A longer line is no Git server's: refused before its bytes are waited for.
  if (length > MAX_PKT)
    throw new ProtocolError(`pkt-line length ${length} is over Git's ${MAX_PKT}`);
  return length;
}

/**
 * Counts the packets of a stream as its chunks pass, without keeping them:
 * how a ref advertisement is cut at a limit on refs while it still arrives.
 */
export class PktCounter {
  packets = 0;
  private header = "";
  private skip = 0;

  add(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - pos);
        this.skip -= n;
        pos += n;
        continue;
      }
      const n = Math.min(4 - this.header.length, chunk.length - pos);
      this.header += Buffer.from(chunk.buffer, chunk.byteOffset + pos, n).toString("latin1");
      pos += n;
      if (this.header.length < 4) return;
      const length = parseLength(Buffer.from(this.header, "latin1"), 0);
      this.header = "";
      if (length >= 4) {
        this.packets++;
        this.skip = length - 4;
      }
    }
  }
}
