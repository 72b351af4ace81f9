// Ref discovery over smart HTTP, protocol v0/v1 (gitprotocol-http(5)): one GET
// of info/refs through isomorphic-git's transport, which lists every ref with
// the peeled id of each annotated tag (`refs/tags/x^{}`) and where HEAD points.
// Asked for protocol v2 (issue 16), a server that speaks it answers with its
// capabilities instead, and the refs come from ls-refs (git/ls-refs.ts).
import type { HttpClient } from "isomorphic-git";
import { GitRemoteHTTP } from "isomorphic-git/managers";
import { defaultPackLimits, guardStream, PackLimitError, type PackLimits } from "./git/limits.js";
import { ProtocolError, PktCounter, readPktLines } from "./git/pkt-line.js";
import type { Advertisement } from "./git/ref-advertisement.js";
import { parseCapabilities, type V2Capabilities } from "./git/protocol-v2.js";
import type { RefListing } from "./ref-map.js";

export interface Discovery {
  /** Branches and tags, tags with their peeled ids. */
  listing: RefListing;
  capabilities: Set<string>;
  /** What HEAD points at (`refs/heads/main`), when the server says. */
  head?: string;
  /** The commit HEAD is at. */
  headOid?: string;
}

/** The server's first words: a v0 ref advertisement, or v2's capabilities. */
export type Greeting =
  { version: 0; discovery: Discovery } | { version: 2; capabilities: V2Capabilities };

export async function discoverRefs(
  http: HttpClient,
  url: string,
  headers: Record<string, string>,
  protocolVersion: 1 | 2 = 1,
  limits: PackLimits = defaultPackLimits,
): Promise<Greeting> {
  const recorder = bodyRecorder(http, limits);
  const remote = (await GitRemoteHTTP.discover({
    http: recorder.http,
    service: "git-upload-pack",
    url,
    headers,
    protocolVersion,
  }).catch((err: unknown) => {
    const cut = recorder.failure();
    if (cut) throw cut;
    // isomorphic-git's own words for a list that is not Git's: ours, typed.
    // Its parser can also trip over a malformed line (a symref without `:` gives a
    // TypeError), which is the server's fault as much as a ParseError is.
    const code = (err as { code?: string }).code;
    if (
      code === "ParseError" ||
      code === "EmptyServerResponseError" ||
      err instanceof TypeError ||
      err instanceof RangeError
    )
      throw new ProtocolError(
        `the server's list of refs does not parse: ${(err as Error).message}`,
      );
    throw err;
  })) as HttpAdvertisement;
  // However isomorphic-git took a cut body, a limit that cut it is the news.
  const cut = recorder.failure();
  if (cut) throw cut;
  // isomorphic-git takes the end of the stream for the end of the list; a
  // list cut short would look like deleted refs.
  await checkAdvertisementComplete(recorder.body(), remote.protocolVersion === 2 ? 1 : 2);
  // (An empty repository's advertisement carries no version at all.)
  if (remote.protocolVersion === 2) {
    const lines = Object.entries(remote.capabilities2 ?? {}).map(([key, value]) =>
      Buffer.from(value === true ? key : `${key}=${value}`),
    );
    return { version: 2, capabilities: parseCapabilities(lines) };
  }
  return { version: 0, discovery: discoveryFrom(remote) };
}

/** A v0 advertisement (over HTTP or SSH) as a Discovery: branches and tags, HEAD. */
export function discoveryFrom(remote: Advertisement): Discovery {
  const format = [...remote.capabilities].find((c) => c.startsWith("object-format="));
  if (format && format !== "object-format=sha1") {
    throw new ProtocolError(
      `the repository uses ${format.slice(14)} object ids; only sha1 is supported`,
    );
  }
  return {
    listing: advertisedRefs(remote.refs),
    capabilities: remote.capabilities,
    head: remote.symrefs.get("HEAD"),
    headOid: remote.refs.get("HEAD"),
  };
}

interface HttpAdvertisement extends Advertisement {
  protocolVersion?: 1 | 2;
  capabilities2?: Record<string, string | true>;
}

/** Branches and tags from a v1 advertisement, where `refs/tags/x^{}` carries x's peeled id. */
function advertisedRefs(refs: Map<string, string>): RefListing {
  const listing: RefListing = new Map();
  for (const [name, oid] of refs) {
    if (name.endsWith("^{}")) continue;
    if (name.startsWith("refs/heads/") || name.startsWith("refs/tags/")) {
      listing.set(name, { oid, peeled: refs.get(`${name}^{}`) ?? oid });
    }
  }
  return listing;
}

/**
 * Wraps an HTTP client to keep a copy of the response body it served (a ref
 * list), cut at the limits on its bytes and refs, its deadline and a drip
 * before isomorphic-git holds any more of it (issue 16).
 */
function bodyRecorder(
  http: HttpClient,
  limits: PackLimits,
): { http: HttpClient; body: () => Buffer; failure: () => Error | undefined } {
  const chunks: Uint8Array[] = [];
  let failed: Error | undefined;
  async function* record(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    chunks.length = 0;
    let counter: PktCounter | undefined = new PktCounter();
    const guarded = guardStream(body, limits, limits.maxAdvertisementBytes, "the list of refs");
    try {
      for await (const chunk of guarded) {
        try {
          counter?.add(chunk);
        } catch {
          counter = undefined; // not pkt-lines (an error page): isomorphic-git's to judge
        }
        // The `# service` line and the flushes are not refs; a few lines of slack.
        if (counter && counter.packets > limits.maxRefs + 2) {
          throw new PackLimitError(`the server lists more than ${limits.maxRefs} refs`);
        }
        chunks.push(chunk);
        yield chunk;
      }
    } catch (err) {
      if (err instanceof PackLimitError) failed = err;
      throw err;
    }
  }
  return {
    http: {
      async request(req) {
        const res = await http.request(req);
        return res.body ? { ...res, body: record(res.body) } : res;
      },
    },
    body: () => Buffer.concat(chunks),
    failure: () => failed,
  };
}

/**
 * A smart HTTP ref advertisement is `# service=...`, a flush, the refs (or a
 * `capabilities^{}` line when there are none), and a final flush. A v2
 * capability advertisement has no `# service=` part (git http-backend).
 */
async function checkAdvertisementComplete(body: Buffer, wantFlushes: number): Promise<void> {
  let flushes = 0;
  let last: Buffer | null = Buffer.alloc(0);
  async function* once(): AsyncGenerator<Uint8Array> {
    yield body;
  }
  for await (const pkt of readPktLines(once())) {
    if (pkt === null) flushes++;
    last = pkt;
  }
  if (flushes < wantFlushes || last !== null)
    throw new ProtocolError("the list of refs was cut short");
}
