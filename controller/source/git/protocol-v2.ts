// Git protocol v2 (gitprotocol-v2(5)), as much as a fetch of every branch and
// tag needs: the server's capability advertisement, one command request per
// round trip (`command=...`, capabilities, a delimiter, arguments, a flush),
// and the answer to `fetch`, whose packfile section carries the pack on
// side-band channel 1. Ref listing (`ls-refs`) is in ls-refs.ts. Issue 16: v2
// lets us ask for refs/heads/ and refs/tags/ only, where v0 makes the server
// advertise every ref it has (GitHub: thousands of refs/pull/*).
import { FLUSH, pktLine, ProtocolError, readPktLines } from "./pkt-line.js";

/** The delimiter packet that separates a v2 request's capabilities from its arguments. */
export const DELIM = Buffer.from("0001");

/** What a v2 server offers: `fetch` → `shallow wait-for-done`, `agent` → `git/2.39.5`, ... */
export type V2Capabilities = ReadonlyMap<string, string>;

/**
 * Reads the capability advertisement that follows `version 2` (the caller
 * has read that line): `key[=value]` lines up to a flush.
 */
export function parseCapabilities(lines: readonly Buffer[]): V2Capabilities {
  const capabilities = new Map<string, string>();
  for (const line of lines) {
    const text = line.toString("utf8").replace(/\n$/, "");
    const eq = text.indexOf("=");
    if (eq < 0) capabilities.set(text, "");
    else capabilities.set(text.slice(0, eq), text.slice(eq + 1));
  }
  if (!capabilities.has("ls-refs") || !capabilities.has("fetch")) {
    throw new ProtocolError("the server speaks protocol v2 but offers no ls-refs or fetch");
  }
  const format = capabilities.get("object-format");
  if (format !== undefined && format !== "sha1") {
    throw new ProtocolError(`the repository uses ${format} object ids; only sha1 is supported`);
  }
  return capabilities;
}

/** Whether the first line of an advertisement says `version 2`. */
export function isVersion2(firstLine: Buffer | null | undefined): boolean {
  return firstLine != null && firstLine.toString("latin1").replace(/\n$/, "") === "version 2";
}

/** One v2 command: `command=NAME`, our capabilities, a delimiter, the arguments, a flush. */
export function commandRequest(
  command: string,
  server: V2Capabilities,
  agent: string,
  args: readonly string[],
): Buffer {
  const lines = [pktLine(`command=${command}\n`)];
  if (server.has("agent")) lines.push(pktLine(`agent=${agent}\n`));
  if (server.has("object-format")) lines.push(pktLine("object-format=sha1\n"));
  lines.push(DELIM);
  for (const arg of args) lines.push(pktLine(`${arg}\n`));
  lines.push(FLUSH);
  return Buffer.concat(lines);
}

/**
 * `fetch` with every want and have and `done` at once, as a stateless client
 * does: the server answers with the pack, no further negotiation. Offset
 * deltas, no progress; never a thin pack (we index packs on their own).
 */
export function fetchRequest(options: {
  wants: readonly string[];
  haves: readonly string[];
  server: V2Capabilities;
  agent: string;
}): Buffer {
  const { wants, haves } = options;
  if (wants.length === 0) throw new Error("fetchRequest needs at least one want");
  const args = ["ofs-delta", "no-progress"];
  for (const oid of wants) args.push(`want ${oid}`);
  for (const oid of haves) args.push(`have ${oid}`);
  args.push("done");
  return commandRequest("fetch", options.server, options.agent, args);
}

/**
 * The answer to `fetchRequest`: sections (`acknowledgments`, `shallow-info`,
 * `wanted-refs`, `packfile-uris`) each ended by a delimiter, and last the
 * `packfile` section, side-band packets up to a flush. Yields the pack's bytes
 * (band 1) as they arrive; progress (band 2) is dropped, band 3 is the
 * server's error. The caller indexes the pack as a stream.
 */
export async function* readFetchResponse(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<Buffer, void, undefined> {
  // A section header is the first packet after the start or after a delimiter.
  let header = true;
  let inPack = false;
  for await (const pkt of readPktLines(body)) {
    if (pkt === null) {
      // readPktLines gives flushes and delimiters alike; inside the packfile
      // section only the final flush can come, anywhere else either ends a section.
      if (inPack) return;
      header = true;
      continue;
    }
    if (inPack) {
      const band = pkt[0];
      if (band === 1) yield pkt.subarray(1);
      else if (band === 3) throw new ProtocolError(`remote error: ${text(pkt.subarray(1))}`);
      else if (band !== 2) throw new ProtocolError(`unexpected side-band ${band} in the pack`);
      continue;
    }
    const line = pkt.toString("latin1").replace(/\n$/, "");
    if (line.startsWith("ERR ")) throw new ProtocolError(`remote error: ${text(pkt.subarray(4))}`);
    if (header) {
      header = false;
      if (line === "packfile") inPack = true;
      else if (!/^(acknowledgments|shallow-info|wanted-refs|packfile-uris)$/.test(line)) {
        throw new ProtocolError(`unexpected section from the server: ${JSON.stringify(text(pkt))}`);
      }
    }
    // Lines of the other sections (ACK, NAK, ready, shallow ...) need no answer: we sent done.
  }
  throw new ProtocolError("the server's response ended before the pack did");
}

/** The packets of a short answer (a capability advertisement, ls-refs), up to its flush. */
export async function packetsUntilFlush(body: AsyncIterable<Uint8Array>): Promise<Buffer[]> {
  const lines: Buffer[] = [];
  for await (const pkt of readPktLines(body)) {
    if (pkt === null) return lines;
    lines.push(pkt);
  }
  throw new ProtocolError("the server's answer was cut short");
}

/** Buffers a stream of pack bytes (until the streaming indexer takes the stream itself). */
export async function collectPack(parts: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const part of parts) chunks.push(part);
  return Buffer.concat(chunks);
}

/** A message from the server, fit for a status field: control characters become spaces. */
export function text(buf: Buffer): string {
  const printable = [...buf.toString("utf8")].map((ch) => (ch.charCodeAt(0) < 0x20 ? " " : ch));
  return printable.join("").trim().slice(0, 500);
}
