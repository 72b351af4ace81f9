// A protocol v0/v1 ref advertisement as git-upload-pack writes it on a
// connection of its own (SSH: no `# service=` header as over HTTP):
// `<oid> <name>\0<capabilities>` first, `<oid> <name>` after, the peeled id of
// each annotated tag as `<name>^{}`, up to a flush; an empty repository sends
// `<zero id> capabilities^{}\0<capabilities>`. The same shape as
// isomorphic-git's parse of the HTTP one, so discover.ts reads both alike.
import { ProtocolError } from "./pkt-line.js";

export interface Advertisement {
  capabilities: Set<string>;
  /** Every advertised name to its id, `^{}` lines included. */
  refs: Map<string, string>;
  /** `symref=HEAD:refs/heads/main` capabilities: HEAD → refs/heads/main. */
  symrefs: Map<string, string>;
}

const REF_LINE = /^([0-9a-f]{40}) (.+)$/;

/** The advertisement's packets, the flush that ends it already taken off. */
export function parseRefAdvertisement(lines: readonly Buffer[]): Advertisement {
  const advertisement: Advertisement = {
    capabilities: new Set(),
    refs: new Map(),
    symrefs: new Map(),
  };
  let first = true;
  for (const pkt of lines) {
    let line = pkt.toString("utf8").replace(/\n$/, "");
    if (first && line === "version 1") continue;
    if (line.startsWith("ERR ")) throw new ProtocolError(`remote error: ${line.slice(4)}`);
    if (first) {
      first = false;
      const nul = line.indexOf("\0");
      if (nul >= 0) {
        for (const capability of line
          .slice(nul + 1)
          .split(" ")
          .filter(Boolean)) {
          advertisement.capabilities.add(capability);
          const symref = /^symref=([^:]+):(.+)$/.exec(capability);
          if (symref) advertisement.symrefs.set(symref[1]!, symref[2]!);
        }
        line = line.slice(0, nul);
      }
      if (/^0{40} capabilities\^\{\}$/.test(line)) continue;
    }
    const match = REF_LINE.exec(line);
    if (!match)
      throw new ProtocolError(`unexpected line in the list of refs: ${JSON.stringify(line)}`);
    advertisement.refs.set(match[2]!, match[1]!);
  }
  return advertisement;
}
