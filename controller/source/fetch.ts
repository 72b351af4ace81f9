// One fetch of every branch and tag into a bare repository: the server's
// greeting (protocol v2 asked for, v0 accepted), the ref listing (v2's
// ls-refs for branches and tags only, or v0's advertisement of everything),
// then one upload-pack request for what we lack, indexed with Node's zlib and
// crypto. Over smart HTTP or SSH alike (transport.ts). Nothing here touches
// the repository's refs: the caller writes them once the objects they need
// are safely stored.
import { CorruptObjectError } from "./git/delta.js";
import { defaultPackLimits, guardStream, type PackLimits } from "./git/limits.js";
import { lsRefsRequest, parseLsRefs, type LsRefsResult } from "./git/ls-refs.js";
import type { ObjectStore } from "./git/object-store.js";
import type { ObjectType } from "./git/pack-entry.js";
import {
  fetchRequest,
  packetsUntilFlush,
  readFetchResponse,
  type V2Capabilities,
} from "./git/protocol-v2.js";
import { storePackStream } from "./git/store-pack.js";
import { httpStatus } from "./fetch-errors.js";
import { readUploadPackResponse, uploadPackRequest } from "./git/upload-pack.js";
import { USER_AGENT } from "./http.js";
import type { RefListing } from "./ref-map.js";
import type { Discovery } from "./discover.js";
import type { GitTransport, Greeting } from "./transport.js";

export interface FetchTarget {
  /** How to reach git-upload-pack; closed when the fetch ends. */
  transport: GitTransport;
  /** Ask for protocol v2 (default). The server may answer in v0 all the same. */
  v2?: boolean;
  gitdir: string;
  objects: ObjectStore;
  /** What the server may make us hold, and for how long (default: defaultPackLimits). */
  limits?: PackLimits;
  /** The v2 capabilities the server stated last time, to go on without asking (HTTP). */
  capabilities?: V2Capabilities;
}

export interface FetchResult {
  /** Branches and tags as the server advertised them, tags with their peeled ids. */
  listing: RefListing;
  /** What the server's HEAD points at (`refs/heads/main`), when it says. */
  head?: string;
  /** The commit of the server's HEAD, which is all we know of it when it is detached. */
  headOid?: string;
  /** Objects received in this fetch. */
  received: number;
  /** The protocol the server spoke. */
  protocol: 0 | 2;
  /** A v2 server's capabilities, for the next fetch (FetchTarget.capabilities). */
  capabilities?: V2Capabilities;
  /** Bytes received from the server: ref listing and pack. */
  bytes: number;
  /** Types of the listed ids (and the ids their tags peel to) received, for telling tags of commits from tags of trees and blobs. */
  types: Map<string, ObjectType>;
}

/** Haves beyond this add request size without helping the server much. */
const MAX_HAVES = 2000;

/**
 * Fetches what the server's branches and tags need. `haves` are ids we hold
 * (our current ref tips): the server sends only what they lack. `everything`
 * asks for all objects again, ignoring what we hold (to compact the packs).
 */
export async function fetchAll(
  target: FetchTarget,
  haves: Iterable<string>,
  everything = false,
): Promise<FetchResult> {
  const { transport } = target;
  const limits = target.limits ?? defaultPackLimits;
  try {
    // Over HTTP a v2 server's capabilities from the last fetch spare a round
    // trip (a GET that starts a git process on the server): on a small push,
    // a third of the fetch. Should the server have changed, greet it again.
    const known = target.v2 !== false ? target.capabilities : undefined;
    const resumed = known && transport.resume?.(known);
    let greeting: Greeting;
    let remote: Discovery | LsRefsResult;
    try {
      greeting = resumed || (await transport.greet(target.v2 !== false));
      remote = await listRefs(transport, greeting, limits);
    } catch (err) {
      // A server that failed (an HTTP status) would fail the greeting too.
      if (!resumed || httpStatus(err) !== undefined) throw err;
      greeting = await transport.greet(true);
      remote = await listRefs(transport, greeting, limits);
    }
    const result: FetchResult = {
      listing: remote.listing,
      head: remote.head,
      headOid: remote.headOid,
      received: 0,
      protocol: greeting.version,
      ...(greeting.version === 2 ? { capabilities: greeting.capabilities } : {}),
      bytes: 0,
      types: new Map(),
    };

    const tips = [...new Set([...remote.listing.values()].map((r) => r.oid))];
    const wants = everything ? tips : await target.objects.lacking(tips);
    if (wants.length === 0) return { ...result, bytes: transport.received };

    const common: string[] = [];
    if (!everything) {
      const candidates = [...new Set(haves)];
      const lacked = new Set(await target.objects.lacking(candidates));
      for (const oid of candidates) {
        if (common.length >= MAX_HAVES) break;
        if (!lacked.has(oid)) common.push(oid);
      }
    }
    // The pack streams to disk as it is indexed, never whole in memory (issue 16).
    let pack: AsyncIterable<Buffer>;
    if (greeting.version === 2) {
      const request = fetchRequest({
        wants,
        haves: common,
        server: greeting.capabilities,
        agent: USER_AGENT,
      });
      pack = readFetchResponse(
        guardStream(
          transport.uploadPack(request),
          limits,
          limits.maxPackBytes,
          "the pack response",
        ),
      );
    } else {
      const request = uploadPackRequest({
        wants,
        haves: common,
        serverCapabilities: greeting.discovery.capabilities,
        agent: USER_AGENT,
      });
      pack = readUploadPackResponse(transport.uploadPack(request), limits);
    }
    const stored = await storePackStream(target.objects, pack, limits);
    if (stored) {
      result.received = stored.objects.length;
      // Only the listed ids' types are wanted: a map of every object received
      // cost a clone of 25,000 objects about 15 ms.
      const listed = new Set([...remote.listing.values()].flatMap((r) => [r.oid, r.peeled]));
      for (const o of stored.objects) if (listed.has(o.oid)) result.types.set(o.oid, o.type);
    }
    // Refs must never point at objects we lack: check the server sent what we asked.
    const unsent = await target.objects.lacking(wants.filter((oid) => !result.types.has(oid)));
    if (unsent.length > 0) throw new CorruptObjectError(`the server did not send ${unsent[0]}`);
    return { ...result, bytes: transport.received };
  } finally {
    transport.close();
  }
}

/** The branches and tags: v2's ls-refs, or the v0 advertisement the greeting was. */
async function listRefs(
  transport: GitTransport,
  greeting: Greeting,
  limits: PackLimits,
): Promise<Discovery | LsRefsResult> {
  if (greeting.version !== 2) return greeting.discovery;
  return parseLsRefs(
    await packetsUntilFlush(
      guardStream(
        transport.uploadPack(lsRefsRequest(greeting.capabilities, USER_AGENT)),
        limits,
        limits.maxAdvertisementBytes,
        "the list of refs",
      ),
    ),
  );
}
