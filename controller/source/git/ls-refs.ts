// `ls-refs` of protocol v2 (gitprotocol-v2(5)): only the refs under the
// prefixes we name (HEAD, refs/heads/, refs/tags/), each annotated tag with
// the id it peels to (`peeled:`, peeled all the way, as v0's `^{}` lines) and
// HEAD with the branch it points at (`symref-target:`). The listing is the
// same one a v0 advertisement gives: equal to `git ls-remote`'s branches and tags.
import type { RefListing } from "../ref-map.js";
import { ProtocolError } from "./pkt-line.js";
import { commandRequest, type V2Capabilities } from "./protocol-v2.js";

/** The prefixes we ask for: what the controller reads, and nothing of refs/pull/* or refs/changes/*. */
const PREFIXES = ["HEAD", "refs/heads/", "refs/tags/"];

export function lsRefsRequest(server: V2Capabilities, agent: string): Buffer {
  return commandRequest("ls-refs", server, agent, [
    "peel",
    "symrefs",
    ...PREFIXES.map((prefix) => `ref-prefix ${prefix}`),
  ]);
}

export interface LsRefsResult {
  listing: RefListing;
  /** What HEAD points at (`refs/heads/main`), when it is a symref. */
  head?: string;
  /** The commit HEAD is at. */
  headOid?: string;
}

const OID = /^[0-9a-f]{40}$/;

/**
 * Reads ls-refs' answer: `<oid> <name>[ symref-target:<ref>][ peeled:<oid>]`
 * per line (the flush that ends it already taken off). Ref prefixes are only
 * a hint to the server, so anything outside branches and tags is dropped here.
 */
export function parseLsRefs(lines: readonly Buffer[]): LsRefsResult {
  const result: LsRefsResult = { listing: new Map() };
  for (const pkt of lines) {
    const line = pkt.toString("utf8").replace(/\n$/, "");
    if (line.startsWith("ERR ")) throw new ProtocolError(`remote error: ${line.slice(4)}`);
    const [oid, name, ...attributes] = line.split(" ");
    if (!oid || !name || !OID.test(oid)) {
      throw new ProtocolError(`unexpected line in the list of refs: ${JSON.stringify(line)}`);
    }
    let peeled = oid;
    let target: string | undefined;
    for (const attribute of attributes) {
      if (attribute.startsWith("peeled:")) peeled = attribute.slice(7);
      else if (attribute.startsWith("symref-target:")) target = attribute.slice(14);
    }
    if (!OID.test(peeled)) throw new ProtocolError(`bad peeled id for ${name}: ${peeled}`);
    if (name === "HEAD") {
      result.headOid = oid;
      if (target) result.head = target;
    } else if (name.startsWith("refs/heads/") || name.startsWith("refs/tags/")) {
      result.listing.set(name, { oid, peeled });
    }
  }
  return result;
}
