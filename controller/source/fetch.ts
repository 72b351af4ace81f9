// One fetch of every branch and tag from a smart HTTP server into a bare
// repository: ref discovery, then one upload-pack request (through
// isomorphic-git's transport) for what we lack, indexed with Node's zlib and
// crypto. Nothing here touches the repository's refs: the caller writes them
// once the objects they need are safely stored.
import type { HttpClient } from "isomorphic-git";
import { GitRemoteHTTP } from "isomorphic-git/managers";
import { discoverRefs } from "./discover.js";
import { CorruptObjectError } from "./git/delta.js";
import { defaultPackLimits, type PackLimits } from "./git/limits.js";
import type { ObjectStore } from "./git/object-store.js";
import type { ObjectType } from "./git/pack-entry.js";
import { storePackStream } from "./git/store-pack.js";
import { readUploadPackResponse, uploadPackRequest } from "./git/upload-pack.js";
import { USER_AGENT } from "./http.js";
import type { RefListing } from "./ref-map.js";

export interface FetchTarget {
  /** The repository URL, without credentials. */
  url: string;
  http: HttpClient;
  /** Sent with every request, when the server needs credentials. */
  authorization?: string;
  gitdir: string;
  objects: ObjectStore;
  /** What the server may make us hold, and for how long (default: defaultPackLimits). */
  limits?: PackLimits;
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
  /** Types of the objects received, for telling tags of commits from tags of trees and blobs. */
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
  const headers = (): Record<string, string> =>
    target.authorization ? { Authorization: target.authorization } : {};
  const limits = target.limits ?? defaultPackLimits;
  const remote = await discoverRefs(target.http, target.url, headers(), limits);
  const { listing } = remote;
  const result: FetchResult = {
    listing,
    head: remote.head,
    headOid: remote.headOid,
    received: 0,
    types: new Map(),
  };

  const wants: string[] = [];
  for (const oid of new Set([...listing.values()].map((r) => r.oid))) {
    if (everything || !(await target.objects.has(oid))) wants.push(oid);
  }
  if (wants.length === 0) return result;

  const common: string[] = [];
  if (!everything) {
    for (const oid of new Set(haves)) {
      if (common.length >= MAX_HAVES) break;
      if (await target.objects.has(oid)) common.push(oid);
    }
  }
  const response = await GitRemoteHTTP.connect({
    http: target.http,
    service: "git-upload-pack",
    url: target.url,
    auth: {},
    headers: headers(),
    body: [
      uploadPackRequest({
        wants,
        haves: common,
        serverCapabilities: remote.capabilities,
        agent: USER_AGENT,
      }),
    ],
  });
  // The pack streams to disk as it is indexed, never whole in memory (issue 16).
  const pack = readUploadPackResponse(response.body ?? emptyBody(), limits);
  const stored = await storePackStream(target.objects, pack, limits);
  if (stored) {
    result.received = stored.objects.length;
    for (const o of stored.objects) result.types.set(o.oid, o.type);
  }
  // Refs must never point at objects we lack: check the server sent what we asked.
  for (const oid of wants) {
    if (!result.types.has(oid) && !(await target.objects.has(oid))) {
      throw new CorruptObjectError(`the server did not send ${oid}`);
    }
  }
  return result;
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}
